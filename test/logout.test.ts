import { decodeJwtPart } from './support/forge';
import { errorCode } from './support/graphql-client';
import { LOGOUT, LOGOUT_ALL, ME, REFRESH, type BlacklistedTokenData } from './support/operations';
import { useTestServer } from './support/shared-server';

const server = useTestServer();

describe('logout', () => {
  it('blacklists the current access token until its own expiry and ends its session', async () => {
    const user = await server.register();
    const response = await server.gql<{ logout: BlacklistedTokenData }>(LOGOUT, {}, { token: user.accessToken });
    const entry = response.data?.logout;
    const claims = decodeJwtPart(user.accessToken, 1);
    expect(entry).toMatchObject({
      jti: claims.jti,
      userId: user.user.id,
      reason: 'logged out',
      revokedBy: user.user.id,
    });
    expect(new Date(entry?.expiresAt ?? 0).getTime()).toBe((claims.exp as number) * 1000);

    expect(errorCode(await server.gql(ME, {}, { token: user.accessToken }))).toBe('TOKEN_REVOKED');
    expect(errorCode(await server.gql(REFRESH, { refreshToken: user.refreshToken }))).toBe('TOKEN_REVOKED');
  });

  it('leaves the same user’s other sessions alone', async () => {
    const user = await server.register();
    const laptop = await server.login(user.user.email, user.password);
    await server.gql(LOGOUT, {}, { token: user.accessToken });
    expect((await server.gql(ME, {}, { token: laptop.accessToken })).errors).toBeUndefined();
  });

  it('needs a token', async () => {
    const response = await server.gql(LOGOUT);
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
  });
});

describe('logoutAll', () => {
  it('ends every session of the caller and returns how many', async () => {
    const user = await server.register();
    const phone = await server.login(user.user.email, user.password);
    const response = await server.gql<{ logoutAll: number }>(LOGOUT_ALL, {}, { token: user.accessToken });
    expect(response.data?.logoutAll).toBe(2);
    for (const token of [user.accessToken, phone.accessToken]) {
      const me = await server.gql(ME, {}, { token });
      expect(errorCode(me)).toBe('TOKEN_REVOKED');
      expect(me.errors?.[0]?.extensions?.reason).toBe('logged out everywhere');
    }
    expect(errorCode(await server.gql(REFRESH, { refreshToken: phone.refreshToken }))).toBe('TOKEN_REVOKED');
  });

  it('lets the user sign in again within the same millisecond', async () => {
    const user = await server.register();
    server.clock.freeze();
    try {
      await server.gql(LOGOUT_ALL, {}, { token: user.accessToken });
      const again = await server.login(user.user.email, user.password);
      expect((await server.gql(ME, {}, { token: again.accessToken })).errors).toBeUndefined();
      expect(errorCode(await server.gql(ME, {}, { token: user.accessToken }))).toBe('TOKEN_REVOKED');
    } finally {
      server.clock.thaw();
    }
  });
});
