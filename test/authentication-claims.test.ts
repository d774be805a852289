import { decodeJwtPart } from './support/forge';
import { REFRESH, type AuthPayloadData } from './support/operations';
import { useTestServer } from './support/shared-server';

// Access tokens say when and how their user signed in (RFC 8176 `amr`), and a refresh keeps both:
// step-up judges the sign-in, not the last rotation.
const server = useTestServer();

const refresh = async (refreshToken: string): Promise<AuthPayloadData> => {
  const response = await server.gql<{ refreshToken: AuthPayloadData }>(REFRESH, { refreshToken });
  if (!response.data) throw new Error(JSON.stringify(response.errors));
  return response.data.refreshToken;
};

const claimsOf = (token: string) => decodeJwtPart(token, 1);

it('carries auth_time and amr: pwd from a password sign-in', async () => {
  const before = Math.floor(server.clock.now() / 1000);
  const user = await server.register();
  const signedIn = await server.login(user.user.email, user.password);
  for (const token of [user.accessToken, signedIn.accessToken]) {
    const claims = claimsOf(token);
    expect(claims.amr).toEqual(['pwd']);
    expect(claims.auth_time).toBeGreaterThanOrEqual(before);
    expect(claims.auth_time).toBeLessThanOrEqual(Math.floor(server.clock.now() / 1000));
  }
});

it('keeps the sign-in time and methods across refreshes, while iat moves on', async () => {
  const user = await server.register();
  const signedInAt = claimsOf(user.accessToken).auth_time;
  server.clock.advance(10 * 60_000);
  const once = await refresh(user.refreshToken);
  server.clock.advance(10 * 60_000);
  const twice = await refresh(once.refreshToken);
  const claims = claimsOf(twice.accessToken);
  expect(claims.auth_time).toBe(signedInAt);
  expect(claims.amr).toEqual(['pwd']);
  expect(Number(claims.iat) - Number(signedInAt)).toBeGreaterThanOrEqual(20 * 60 - 1);
});

it('a new sign-in on the same account starts a new auth_time', async () => {
  const user = await server.register();
  server.clock.advance(5 * 60_000);
  const later = await server.login(user.user.email, user.password);
  expect(
    Number(claimsOf(later.accessToken).auth_time) - Number(claimsOf(user.accessToken).auth_time),
  ).toBeGreaterThanOrEqual(299);
});
