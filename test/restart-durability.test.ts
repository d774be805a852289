import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorCode } from './support/graphql-client';
import { LOGOUT, ME, REFRESH, REVOKE_USER_TOKENS } from './support/operations';
import { createTestDatabase } from './support/test-database';
import { startTestServer } from './support/test-server';

it('keeps revocations, valid tokens and the generated secret across a restart on the same data', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'token-warden-restart-'));
  const testDatabase = await createTestDatabase({ pgliteDir: join(dataDir, 'pglite') });
  // No JWT_SECRET: the development secret is generated into DATA_DIR and must be reused.
  const options = { dataDir, testDatabase, env: { JWT_SECRET: '' } };
  try {
    const first = await startTestServer(options);
    const admin = await first.loginAdmin();
    const loggedOut = await first.register();
    const cutOff = await first.register();
    const stillValid = await first.register();
    await first.gql(LOGOUT, {}, { token: loggedOut.accessToken });
    await first.gql(REVOKE_USER_TOKENS, { userId: cutOff.user.id, reason: 'cut off' }, { token: admin.accessToken });
    await first.stop({ drop: false });

    expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);

    const second = await startTestServer(options);
    try {
      expect(errorCode(await second.gql(ME, {}, { token: loggedOut.accessToken }))).toBe('TOKEN_REVOKED');
      const cut = await second.gql(ME, {}, { token: cutOff.accessToken });
      expect(errorCode(cut)).toBe('TOKEN_REVOKED');
      expect(cut.errors?.[0]?.extensions?.reason).toBe('cut off');
      expect((await second.gql(ME, {}, { token: stillValid.accessToken })).errors).toBeUndefined();
      const refreshed = await second.gql<{ refreshToken: { accessToken: string } }>(REFRESH, {
        refreshToken: stillValid.refreshToken,
      });
      expect(refreshed.data?.refreshToken.accessToken).toBeDefined();
      expect(errorCode(await second.gql(REFRESH, { refreshToken: loggedOut.refreshToken }))).toBe('TOKEN_REVOKED');
    } finally {
      await second.stop({ drop: false });
    }
  } finally {
    await testDatabase.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
