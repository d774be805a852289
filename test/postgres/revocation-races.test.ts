import type postgres from 'postgres';
import { decodeJwtPart } from '../support/forge';
import { errorCode } from '../support/graphql-client';
import { LOGIN, ME, REFRESH, REVOKE_USER_TOKENS, UPDATE_USER, type AuthPayloadData } from '../support/operations';
import {
  holdInTransaction,
  lockAuditLog,
  openSideConnection,
  storedRevocation,
  waitForBlockedBackends,
} from '../support/side-connection';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestServer, type TestServer } from '../support/test-server';

// Requests that overlap a revocation of every token of a user, put in a set order by locks that
// the test's own connection holds. On PostgreSQL only: the embedded database runs one
// transaction at a time, so these orders cannot happen there.
jest.setTimeout(30_000);

let database: TestDatabase;
let server: TestServer;
let side: postgres.Sql;
let admin: AuthPayloadData;

beforeAll(async () => {
  database = await createTestDatabase();
  side = openSideConnection(database);
  server = await startTestServer({ testDatabase: database });
  admin = await server.loginAdmin();
});
afterAll(async () => {
  await side.end();
  await server.stop();
});

async function cutoffOf(userId: string): Promise<number> {
  const [row] = await side<Array<{ cutoff: Date | null }>>`
    select tokens_valid_after as cutoff from users where id = ${userId}`;
  return row?.cutoff?.getTime() ?? Number.NaN;
}

it('a refresh holding the session while every token of its user is revoked gets a token that is then refused', async () => {
  const user = await server.register();
  // Stands in for a refresh already under way: it holds the session row, so the next refresh
  // queues for it first and the revocation queues behind that refresh.
  const session = await holdInTransaction(
    side,
    (tx) => tx`select id from sessions where user_id = ${user.user.id} for update`,
  );
  let refreshing: ReturnType<typeof server.gql<{ refreshToken: AuthPayloadData }>> | undefined;
  let revoking: ReturnType<typeof server.gql<{ revokeUserTokens: string }>> | undefined;
  try {
    refreshing = server.gql<{ refreshToken: AuthPayloadData }>(REFRESH, { refreshToken: user.refreshToken });
    await waitForBlockedBackends(side, 1);
    revoking = server.gql<{ revokeUserTokens: string }>(
      REVOKE_USER_TOKENS,
      { userId: user.user.id, reason: 'race' },
      { token: admin.accessToken },
    );
    await waitForBlockedBackends(side, 2);
  } finally {
    session.release();
    await session.done;
  }
  const refreshed = await refreshing;
  const revoked = await revoking;
  expect(refreshed.errors).toBeUndefined();
  expect(revoked.errors).toBeUndefined();
  const fresh = refreshed.data?.refreshToken;
  if (!fresh) throw new Error('no tokens from the refresh');

  // The order the locks set: the refresh signed after the revocation's cutoff, so the cutoff alone
  // does not refuse its token.
  const issuedAtMs = Number(decodeJwtPart(fresh.accessToken, 1).iat) * 1000;
  expect(issuedAtMs).toBeGreaterThan(await cutoffOf(user.user.id));

  expect(errorCode(await server.gql(ME, {}, { token: fresh.accessToken }))).toBe('TOKEN_REVOKED');
  expect(errorCode(await server.gql(REFRESH, { refreshToken: fresh.refreshToken }))).toBe('TOKEN_REVOKED');
  const jti = String(decodeJwtPart(fresh.accessToken, 1).jti);
  expect(await storedRevocation(side, jti)).toEqual({ blacklisted: 1, audited: 1 });
});

it('a sign-in whose password checked out while the account was being disabled is refused', async () => {
  const user = await server.register();
  // The disabling stalls on the audit log after changing the user row and ending the sessions;
  // the sign-in, past its password check, then waits for that row.
  const auditLog = await lockAuditLog(side);
  let disabling: ReturnType<typeof server.gql> | undefined;
  let signingIn: ReturnType<typeof server.gql<{ login: AuthPayloadData }>> | undefined;
  try {
    disabling = server.gql(UPDATE_USER, { id: user.user.id, disabled: true }, { token: admin.accessToken });
    await waitForBlockedBackends(side, 1);
    signingIn = server.gql<{ login: AuthPayloadData }>(LOGIN, { email: user.user.email, password: user.password });
    await waitForBlockedBackends(side, 2);
  } finally {
    auditLog.release();
    await auditLog.done;
  }
  expect((await disabling).errors).toBeUndefined();
  const signIn = await signingIn;
  expect(signIn.status).toBe(403);
  expect(errorCode(signIn)).toBe('FORBIDDEN');
  const [live] = await side<Array<{ count: number }>>`
    select count(*)::int as count from sessions where user_id = ${user.user.id} and revoked_at is null`;
  expect(live?.count).toBe(0);
});
