import { postGraphQL } from '../test/support/graphql-client';
import { LOGIN, REVOKE_TOKEN, type AuthPayloadData } from '../test/support/operations';
import { BENCH_ADMIN_EMAIL } from './fleet';
import type { ServerChild } from './server-child';

/** Signs in as the bench's administrator: a fresh session with a live access token. */
export async function signIn(server: ServerChild, password: string): Promise<AuthPayloadData> {
  const response = await postGraphQL<{ login: AuthPayloadData }>(server.url, LOGIN, {
    email: BENCH_ADMIN_EMAIL,
    password,
  });
  if (!response.data?.login) throw new Error(`bench sign-in failed on ${server.name}: ${response.text}`);
  return response.data.login;
}

/** A token of a session of its own, revoked by `adminToken`: the rejection path. */
export async function revokedToken(server: ServerChild, password: string, adminToken: string): Promise<string> {
  const { accessToken } = await signIn(server, password);
  const response = await postGraphQL(
    server.url,
    REVOKE_TOKEN,
    { input: { token: accessToken, reason: 'revoked by the bench' } },
    { token: adminToken },
  );
  if (response.errors) throw new Error(`bench revocation failed: ${response.text}`);
  return accessToken;
}
