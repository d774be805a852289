import { client } from './client';
import type { MyPasskeysQuery } from './generated/graphql';
import {
  FINISH_PASSKEY_REGISTRATION,
  FINISH_PASSKEY_SIGN_IN,
  MY_PASSKEYS,
  REMOVE_PASSKEY,
  START_PASSKEY_REGISTRATION,
  START_PASSKEY_SIGN_IN,
} from './operations';
import { outcomeOf, type Outcome } from './outcome';
import { keepAccessToken } from './access-token';
import { withAccessToken } from './session';
import { withStepUp, type AskForProof } from './step-up';

export type PasskeyItem = MyPasskeysQuery['myPasskeys'][number];

/** A ceremony the browser or the person called off (NotAllowedError, a timeout) is an outcome too. */
async function ceremony(run: () => Promise<Credential | null>): Promise<Outcome<Record<string, unknown>>> {
  try {
    const credential = await run();
    if (!(credential instanceof PublicKeyCredential)) throw new Error('The browser gave no passkey.');
    return { ok: true, data: credential.toJSON() as Record<string, unknown> };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { code: 'WEBAUTHN', message, reason: undefined, superseded: false } };
  }
}

/** No password: the passkey, unlocked by the person's PIN or biometric, is both factors. */
export async function signInWithPasskey(email: string): Promise<Outcome<true>> {
  const started = outcomeOf(await client.mutation(START_PASSKEY_SIGN_IN, email === '' ? {} : { email }).toPromise());
  if (!started.ok) return started;
  const options = started.data.startPasskeySignIn as unknown as PublicKeyCredentialRequestOptionsJSON;
  const response = await ceremony(() =>
    navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) }),
  );
  if (!response.ok) return response;
  const finished = outcomeOf(await client.mutation(FINISH_PASSKEY_SIGN_IN, { response: response.data }).toPromise());
  if (!finished.ok) return finished;
  keepAccessToken(finished.data.finishPasskeySignIn.accessToken);
  return { ok: true, data: true };
}

export async function listPasskeys(): Promise<Outcome<PasskeyItem[]>> {
  const outcome = await withAccessToken(() => client.query(MY_PASSKEYS, {}).toPromise());
  return outcome.ok ? { ok: true, data: outcome.data.myPasskeys } : outcome;
}

export async function addPasskey(name: string, ask: AskForProof): Promise<Outcome<true>> {
  const started = await withStepUp(() => client.mutation(START_PASSKEY_REGISTRATION, {}).toPromise(), ask);
  if (!started.ok) return started;
  const options = started.data.startPasskeyRegistration as unknown as PublicKeyCredentialCreationOptionsJSON;
  const response = await ceremony(() =>
    navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) }),
  );
  if (!response.ok) return response;
  const finished = await withAccessToken(() =>
    client.mutation(FINISH_PASSKEY_REGISTRATION, { response: response.data, name: name || null }).toPromise(),
  );
  return finished.ok ? { ok: true, data: true } : finished;
}

export async function removePasskey(id: string, ask: AskForProof): Promise<Outcome<true>> {
  const outcome = await withStepUp(() => client.mutation(REMOVE_PASSKEY, { id }).toPromise(), ask);
  return outcome.ok ? { ok: true, data: true } : outcome;
}
