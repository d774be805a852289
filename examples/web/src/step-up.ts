import type { OperationResult } from '@urql/core';
import { keepAccessToken } from './access-token';
import { client } from './client';
import { codeProblem } from './code-problem';
import { stopWatchingSession } from './live';
import { REAUTHENTICATE } from './operations';
import type { Outcome } from './outcome';
import { signInWithPasskey } from './passkey-sign-in';
import { withAccessToken } from './session';

/** A one-time code on an account with codes, a passkey of the account (its email) on one with passkeys only, else the password. */
export type StepUpProof = { code: string } | { password: string } | { passkeyOf: string };

/** Asks the person to prove again who they are; `problem` says why the last proof failed; undefined: called off. */
export type AskForProof = (problem?: string) => Promise<StepUpProof | undefined>;

/** A wrong code or password: worth asking again rather than giving up. */
const WRONG_PROOF = new Set(['INVALID_CODE', 'UNAUTHENTICATED']);

async function reauthenticate(proof: StepUpProof): Promise<Outcome<true>> {
  // The socket carries the token reauthenticate refuses: it would report this session as revoked.
  stopWatchingSession();
  if ('passkeyOf' in proof) return signInWithPasskey(proof.passkeyOf);
  const variables = 'code' in proof ? { code: proof.code } : { password: proof.password };
  const outcome = await withAccessToken(() => client.mutation(REAUTHENTICATE, variables).toPromise());
  if (!outcome.ok) return outcome;
  keepAccessToken(outcome.data.reauthenticate.accessToken);
  return { ok: true, data: true };
}

/**
 * Sends a call behind step-up. On STEP_UP_REQUIRED it asks for a proof, reauthenticates this
 * session and sends the call once more; a refresh would not do, it keeps the old `auth_time`.
 */
export async function withStepUp<TData>(
  send: () => Promise<OperationResult<TData>>,
  ask: AskForProof,
): Promise<Outcome<TData>> {
  const first = await withAccessToken(send);
  if (first.ok || first.error.code !== 'STEP_UP_REQUIRED') return first;
  let problem: string | undefined;
  for (;;) {
    const proof = await ask(problem);
    if (proof === undefined) return first;
    const renewed = await reauthenticate(proof);
    if (renewed.ok) return withAccessToken(send);
    if (!WRONG_PROOF.has(renewed.error.code)) return renewed;
    problem = codeProblem(renewed.error);
  }
}
