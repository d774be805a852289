import { errorCode } from './support/graphql-client';
import { LOGOUT, ME, REVOKE_USER_TOKENS } from './support/operations';
import { startTestServer } from './support/test-server';

describe.each(['mirror', 'database'] as const)('REVOCATION_CHECK=%s', (strategy) => {
  it('enforces logout and user-wide revocation the same way, and reports itself', async () => {
    const server = await startTestServer({ env: { REVOCATION_CHECK: strategy } });
    try {
      const admin = await server.loginAdmin();
      const loggedOut = await server.register();
      const cutOff = await server.register();
      const untouched = await server.register();
      await server.gql(LOGOUT, {}, { token: loggedOut.accessToken });
      await server.gql(REVOKE_USER_TOKENS, { userId: cutOff.user.id, reason: 'r' }, { token: admin.accessToken });

      expect(errorCode(await server.gql(ME, {}, { token: loggedOut.accessToken }))).toBe('TOKEN_REVOKED');
      expect(errorCode(await server.gql(ME, {}, { token: cutOff.accessToken }))).toBe('TOKEN_REVOKED');
      expect((await server.gql(ME, {}, { token: untouched.accessToken })).errors).toBeUndefined();

      const status = server.server.services.revocationCheck.status();
      expect(status).toMatchObject({ strategy, synced: true, size: strategy === 'mirror' ? 1 : 0 });
      expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

it('refuses an unknown strategy at start', async () => {
  await expect(startTestServer({ env: { REVOCATION_CHECK: 'redis' } })).rejects.toThrow(/REVOCATION_CHECK/);
});
