import { openDatabase, type DatabaseTarget } from '../../src/db/client';
import { runAdminCli } from '../support/admin-cli';
import { errorCode } from '../support/graphql-client';
import { expectRefused, newAddress, signIn, THROTTLE_ENV } from '../support/login-throttle';
import {
  LOGOUT,
  ME,
  PURGE,
  REFRESH,
  REVOKE_USER_TOKENS,
  ROTATE_SIGNING_KEY,
  SIGNING_KEYS,
  type AuthPayloadData,
} from '../support/operations';
import { PgBouncer } from '../support/pgbouncer';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestServer, TEST_JWT_SECRET, USER_PASSWORD, type TestServer } from '../support/test-server';

jest.setTimeout(60_000);

let bouncer: PgBouncer;
let database: TestDatabase;
let pooled: DatabaseTarget & { kind: 'postgres' };
let server: TestServer;
beforeAll(async () => {
  bouncer = await PgBouncer.start(String(process.env.TEST_DATABASE_URL));
  database = await createTestDatabase();
  if (database.target.kind !== 'postgres') throw new Error('needs TEST_DATABASE_URL');
  pooled = { kind: 'postgres', url: bouncer.route(database.target.url) };
  // The default DATABASE_STATEMENT_TIMEOUT_MS, which PgBouncer refuses as a startup parameter.
  server = await startTestServer({ testDatabase: { ...database, target: pooled }, env: THROTTLE_ENV });
});
afterAll(async () => {
  await server.stop({ drop: false });
  await database.drop();
  await bouncer.stop();
});

describe('the statement timeout', () => {
  it('applies on a direct connection, and is left out where the pooler refuses it', async () => {
    const show = async (target: DatabaseTarget) => {
      const refused = jest.fn();
      const opened = await openDatabase(target, { statementTimeoutMs: 4321, onStatementTimeoutRefused: refused });
      try {
        const [row] = (await opened.db.execute<{ statement_timeout: string }>('show statement_timeout')) as Array<{
          statement_timeout: string;
        }>;
        return { timeout: row?.statement_timeout, refused: refused.mock.calls.length };
      } finally {
        await opened.close();
      }
    };
    expect(await show(database.target)).toEqual({ timeout: '4321ms', refused: 0 });
    expect(await show(pooled)).toEqual({ timeout: '0', refused: 1 });
  });
});

describe('the service behind PgBouncer in transaction mode', () => {
  it('registers, logs in, refreshes, logs out and revokes a user’s tokens', async () => {
    const registered = await server.register();
    const loggedIn = await server.login(registered.user.email, USER_PASSWORD);
    const refreshed = await server.gql<{ refreshToken: AuthPayloadData }>(REFRESH, {
      refreshToken: loggedIn.refreshToken,
    });
    const fresh = refreshed.data?.refreshToken;
    if (!fresh) throw new Error(`refresh failed: ${JSON.stringify(refreshed.errors)}`);
    expect((await server.gql(ME, {}, { token: fresh.accessToken })).data).toBeTruthy();

    expect((await server.gql(LOGOUT, {}, { token: fresh.accessToken })).errors).toBeUndefined();
    expect(errorCode(await server.gql(ME, {}, { token: fresh.accessToken }))).toBe('TOKEN_REVOKED');

    const admin = await server.loginAdmin();
    const revoked = await server.gql(
      REVOKE_USER_TOKENS,
      { userId: registered.user.id, reason: 'pooler test' },
      { token: admin.accessToken },
    );
    expect(revoked.errors).toBeUndefined();
    expect(errorCode(await server.gql(ME, {}, { token: registered.accessToken }))).toBe('TOKEN_REVOKED');
    expect((await server.gql(PURGE, {}, { token: admin.accessToken })).errors).toBeUndefined();
  });

  it('throttles failed logins', async () => {
    const { user } = await server.register();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(errorCode(await signIn(server, user.email, 'wrong-password-123', newAddress()))).toBe('UNAUTHENTICATED');
    }
    expectRefused(await signIn(server, user.email, USER_PASSWORD, newAddress()), 1);
  });

  it('rotates the signing key', async () => {
    const admin = await server.loginAdmin();
    const rotated = await server.gql<{ rotateSigningKey: { kid: string } }>(
      ROTATE_SIGNING_KEY,
      {},
      { token: admin.accessToken },
    );
    expect(rotated.errors).toBeUndefined();
    const keys = await server.gql<{ signingKeys: Array<{ kid: string; state: string }> }>(
      SIGNING_KEYS,
      {},
      { token: admin.accessToken },
    );
    expect(keys.data?.signingKeys).toContainEqual(
      expect.objectContaining({ kid: rotated.data?.rotateSigningKey.kid, state: 'NEXT' }),
    );
  });
});

describe('the admin CLI with DATABASE_URL at PgBouncer', () => {
  const admin = (args: string[]) =>
    runAdminCli(args, { PATH: process.env.PATH ?? '', JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: pooled.url });

  it('migrates, revokes a user’s tokens, lists revocations and purges', async () => {
    const user = await server.register();
    expect(await admin(['revoke-user', '--email', user.user.email])).toMatchObject({ code: 0, stderr: '' });
    expect(await admin(['list-revoked', '--json'])).toMatchObject({ code: 0, stderr: '' });
    expect(await admin(['purge'])).toMatchObject({ code: 0, stderr: '' });
  });
});
