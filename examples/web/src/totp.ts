import { client } from './client';
import type { StartTotpEnrollmentMutation } from './generated/graphql';
import { CONFIRM_TOTP_ENROLLMENT, DISABLE_TOTP, START_TOTP_ENROLLMENT } from './operations';
import type { Outcome } from './outcome';
import { withAccessToken } from './session';
import { withStepUp, type AskForProof } from './step-up';

export type TotpEnrollment = StartTotpEnrollmentMutation['startTotpEnrollment'];

/** A new pending secret for the authenticator app; nothing changes until a code confirms it. */
export async function startTotp(): Promise<Outcome<TotpEnrollment>> {
  const outcome = await withAccessToken(() => client.mutation(START_TOTP_ENROLLMENT, {}).toPromise());
  return outcome.ok ? { ok: true, data: outcome.data.startTotpEnrollment } : outcome;
}

/** Turns TOTP on; answers the recovery codes, which the API never shows again. */
export async function confirmTotp(code: string): Promise<Outcome<readonly string[]>> {
  const outcome = await withAccessToken(() => client.mutation(CONFIRM_TOTP_ENROLLMENT, { code }).toPromise());
  return outcome.ok ? { ok: true, data: outcome.data.confirmTotpEnrollment } : outcome;
}

export async function disableTotp(code: string, ask: AskForProof): Promise<Outcome<true>> {
  const outcome = await withStepUp(() => client.mutation(DISABLE_TOTP, { code }).toPromise(), ask);
  return outcome.ok ? { ok: true, data: true } : outcome;
}
