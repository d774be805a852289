import type { OperationResult } from '@urql/core';
import { currentAccessToken, forgetAccessToken, keepAccessToken } from './access-token';
import { client } from './client';
import type { ProfileQuery } from './generated/graphql';
import { COMPLETE_SIGN_IN, CREATE_ACCOUNT, PROFILE, SIGN_IN, SIGN_OUT } from './operations';
import { outcomeOf, type Outcome } from './outcome';
import { refreshSession, refreshSettled } from './refresh';

export interface Credentials {
  email: string;
  password: string;
}

export type Profile = ProfileQuery['me'];

/** Sends a call with the access token; when it has expired, refreshes once and sends the call again. */
export async function withAccessToken<TData>(send: () => Promise<OperationResult<TData>>): Promise<Outcome<TData>> {
  await refreshSettled();
  const sentWith = currentAccessToken();
  const first = outcomeOf(await send());
  if (first.ok || first.error.code !== 'TOKEN_EXPIRED') return first;
  const refreshed = await refreshSession(sentWith);
  if (!refreshed.ok) return refreshed;
  return outcomeOf(await send());
}

function started(accessToken: string): Outcome<true> {
  keepAccessToken(accessToken);
  return { ok: true, data: true };
}

/** Signs in with the refresh token delivered into the HttpOnly cookie, out of the page's reach. */
export async function signIn(credentials: Credentials): Promise<Outcome<true>> {
  const outcome = outcomeOf(await client.mutation(SIGN_IN, credentials).toPromise());
  return outcome.ok ? started(outcome.data.login.accessToken) : outcome;
}

/** The second step of a sign-in that answered MFA_REQUIRED: a TOTP code or a recovery code. */
export async function completeSignIn(mfaToken: string, code: string): Promise<Outcome<true>> {
  const outcome = outcomeOf(await client.mutation(COMPLETE_SIGN_IN, { mfaToken, code }).toPromise());
  return outcome.ok ? started(outcome.data.completeLogin.accessToken) : outcome;
}

export async function createAccount(credentials: Credentials): Promise<Outcome<true>> {
  const outcome = outcomeOf(await client.mutation(CREATE_ACCOUNT, credentials).toPromise());
  return outcome.ok ? started(outcome.data.register.accessToken) : outcome;
}

/** On page load: the refresh cookie, if the browser still has one, brings the session back. */
export const resumeSession = (): Promise<Outcome<true>> => refreshSession();

export async function loadProfile(): Promise<Outcome<Profile>> {
  const outcome = await withAccessToken(() => client.query(PROFILE, {}).toPromise());
  return outcome.ok ? { ok: true, data: outcome.data.me } : outcome;
}

/** Ends the session; the same answer clears the refresh cookie. */
export async function signOut(): Promise<Outcome<true>> {
  const outcome = await withAccessToken(() => client.mutation(SIGN_OUT, {}).toPromise());
  forgetAccessToken();
  return outcome.ok ? { ok: true, data: true } : outcome;
}
