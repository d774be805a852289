import type { GraphQLResponse } from './graphql-client';
import { resetAddress } from './password-reset';
import type { TestServer } from './test-server';

export const VERIFY_SUBJECT = 'Verify your email address';

export const REQUEST_EMAIL_VERIFICATION = `mutation RequestEmailVerification($email: EmailAddress!) {
  requestEmailVerification(email: $email)
}`;

export const VERIFY_EMAIL = `mutation VerifyEmail($token: String!) { verifyEmail(token: $token) }`;

export const ME_VERIFIED = `query MeVerified { me { id emailVerified } }`;

export const CHANGE_EMAIL = `mutation ChangeEmail($newEmail: EmailAddress!, $password: String!) {
  changeEmail(newEmail: $newEmail, password: $password)
}`;

export const CHANGE_SUBJECTS = {
  link: 'Confirm your new email address',
  requested: 'A change of your email address was asked for',
  inUse: 'Someone tried to use your email address',
  changed: 'Your email address was changed',
} as const;

/** Asks for a verification link from a client address of its own, unless one is given. */
export function requestVerification(
  server: Pick<TestServer, 'gql'>,
  email: string,
  address = resetAddress(),
): Promise<GraphQLResponse<{ requestEmailVerification: boolean }>> {
  return server.gql(REQUEST_EMAIL_VERIFICATION, { email }, { headers: { 'x-forwarded-for': address } });
}

export function verifyEmail(
  server: Pick<TestServer, 'gql'>,
  token: string,
): Promise<GraphQLResponse<{ verifyEmail: boolean }>> {
  return server.gql(VERIFY_EMAIL, { token });
}

export async function emailVerified(server: Pick<TestServer, 'gql'>, accessToken: string): Promise<boolean> {
  const me = await server.gql<{ me: { emailVerified: boolean } }>(ME_VERIFIED, {}, { token: accessToken });
  if (!me.data) throw new Error(`me failed: ${me.text}`);
  return me.data.me.emailVerified;
}
