import type { OperationResult } from '@urql/core';
import { client } from './client';
import { REQUEST_EMAIL_VERIFICATION, REQUEST_PASSWORD_RESET, RESET_PASSWORD, VERIFY_EMAIL } from './operations';
import type { Outcome } from './outcome';
import { withAccessToken } from './session';

/**
 * The mailed-link calls are public, yet go through withAccessToken: a signed-in page sends its
 * bearer token with every call, and an expired one is refused before any operation runs.
 */
async function send<TData>(call: () => Promise<OperationResult<TData>>): Promise<Outcome<true>> {
  const outcome = await withAccessToken(call);
  return outcome.ok ? { ok: true, data: true } : outcome;
}

export const requestPasswordReset = (email: string): Promise<Outcome<true>> =>
  send(() => client.mutation(REQUEST_PASSWORD_RESET, { email }).toPromise());

export const resetPassword = (token: string, newPassword: string): Promise<Outcome<true>> =>
  send(() => client.mutation(RESET_PASSWORD, { token, newPassword }).toPromise());

export const requestEmailVerification = (email: string): Promise<Outcome<true>> =>
  send(() => client.mutation(REQUEST_EMAIL_VERIFICATION, { email }).toPromise());

export const verifyEmail = (token: string): Promise<Outcome<true>> =>
  send(() => client.mutation(VERIFY_EMAIL, { token }).toPromise());
