import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { decodeJwtPart } from '../support/forge';
import { errorCode, type GraphQLResponse } from '../support/graphql-client';
import { LOGOUT, ME, REVOKE_TOKEN, type AuthPayloadData } from '../support/operations';
import { lockAuditLog, openSideConnection, storedRevocation, waitForBlockedBackends } from '../support/side-connection';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestServer, type TestServer } from '../support/test-server';
import { waitFor } from '../support/wait';

// Faults between the service and PostgreSQL, played through a TCP proxy and a second connection
// that holds locks. A revocation is all or nothing, a fault is a 503 and never a 500, and the
// service heals without a restart.
jest.setTimeout(60_000);

const STATEMENT_TIMEOUT_MS = 800;
let database: TestDatabase;
let proxy: TcpProxy;
let server: TestServer;
/** A connection of the test's own, straight to the database, past the proxy. */
let side: postgres.Sql;
let admin: AuthPayloadData;

beforeAll(async () => {
  database = await createTestDatabase();
  if (database.target.kind !== 'postgres') throw new Error('needs PostgreSQL');
  const url = new URL(database.target.url);
  proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
  server = await startTestServer({
    testDatabase: { target: { kind: 'postgres', url: proxy.route(url.toString()) }, drop: () => Promise.resolve() },
    env: { DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS) },
  });
  side = openSideConnection(database);
  admin = await server.loginAdmin();
});
afterAll(async () => {
  proxy.restore();
  await server.stop({ drop: false });
  await side.end();
  await proxy.close();
  await database.drop();
});

function expectUnavailable(response: GraphQLResponse<unknown>): void {
  expect(response.status).toBe(503);
  expect(errorCode(response)).toBe('SERVICE_UNAVAILABLE');
  expect(response.text).not.toMatch(/stacktrace|canceling statement|ECONN|postgres|audit_events/i);
}

it('statement timeout: a logout stuck behind a lock is a 503, nothing of it is stored, and the token still works', async () => {
  const user = await server.register();
  const jti = String(decodeJwtPart(user.accessToken, 1).jti);
  const lock = await lockAuditLog(side);
  let logout: GraphQLResponse<unknown>;
  const started = performance.now();
  try {
    logout = await server.gql(LOGOUT, {}, { token: user.accessToken });
  } finally {
    lock.release();
    await lock.done;
  }
  const waitedMs = performance.now() - started;
  expectUnavailable(logout);
  expect(waitedMs).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS);
  expect(await storedRevocation(side, jti)).toEqual({ blacklisted: 0, audited: 0 });
  expect((await server.gql(ME, {}, { token: user.accessToken })).errors).toBeUndefined();

  // Healed: the same logout goes through once the lock is gone.
  expect((await server.gql(LOGOUT, {}, { token: user.accessToken })).errors).toBeUndefined();
  expect(errorCode(await server.gql(ME, {}, { token: user.accessToken }))).toBe('TOKEN_REVOKED');
  expect(await storedRevocation(side, jti)).toEqual({ blacklisted: 1, audited: 1 });
});

it('connection dropped mid-transaction: 503, the revocation is not half-stored, and the service heals', async () => {
  const jti = randomUUID();
  const lock = await lockAuditLog(side);
  const revoking = server.gql(REVOKE_TOKEN, { input: { jti, reason: 'dropped' } }, { token: admin.accessToken });
  try {
    // The blacklist row is written; the transaction now waits for the audit log.
    await waitForBlockedBackends(side, 1);
    proxy.cut();
    expectUnavailable(await revoking);
  } finally {
    lock.release();
    await lock.done;
    proxy.restore();
  }
  expect(await storedRevocation(side, jti)).toEqual({ blacklisted: 0, audited: 0 });

  const healedMs = await waitFor(
    async () => (await fetch(`${server.baseUrl}/readyz`)).status === 200,
    10_000,
    'ready again',
    20,
  );
  console.log(`connection dropped mid-transaction: ready again ${healedMs.toFixed(0)} ms after the proxy came back`);
  const retried = await server.gql(REVOKE_TOKEN, { input: { jti, reason: 'dropped' } }, { token: admin.accessToken });
  expect(retried.errors).toBeUndefined();
  expect(await storedRevocation(side, jti)).toEqual({ blacklisted: 1, audited: 1 });
});

it('database restarted under load: only 200, 401 and 503 while it is away, every acknowledged revocation kept', async () => {
  const users = await Promise.all(Array.from({ length: 12 }, () => server.register()));
  const statuses = new Map<number, number>();
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const acknowledgedJtis: string[] = [];
  const loggedOut: string[] = [];
  let running = true;

  const worker = async (index: number) => {
    for (let round = 0; running; round += 1) {
      const user = users[(index + round) % users.length] as AuthPayloadData;
      if (round % 3 === 0) {
        const jti = randomUUID();
        const response = await server.gql(REVOKE_TOKEN, { input: { jti } }, { token: admin.accessToken });
        count(response.status);
        if (!response.errors) acknowledgedJtis.push(jti);
      } else if (round % 7 === 1 && user !== users[0] && !loggedOut.includes(user.accessToken)) {
        const response = await server.gql(LOGOUT, {}, { token: user.accessToken });
        count(response.status);
        if (!response.errors) loggedOut.push(user.accessToken);
      } else {
        count((await server.gql(ME, {}, { token: user.accessToken })).status);
      }
    }
  };
  const workers = Array.from({ length: 6 }, (_, index) => worker(index));

  await new Promise((resolve) => setTimeout(resolve, 1000));
  // What clients see of a restart: new connections refused, every session ended by the server
  // (SQLSTATE 57P01), then after a while connections accepted again.
  proxy.refuseNew();
  await side`select pg_terminate_backend(pid) from pg_stat_activity
             where datname = current_database() and pid <> pg_backend_pid()`;
  proxy.cut();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  proxy.restore();
  let healedMs = -1;
  try {
    healedMs = await waitFor(
      () => server.server.services.revocationCheck.status().synced,
      10_000,
      'mirror in sync again',
      20,
    );
    // The load goes on for a second once healed.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  } finally {
    running = false;
    await Promise.all(workers);
  }

  console.log(
    `restart under load: answers ${JSON.stringify(Object.fromEntries(statuses))}, in sync ${healedMs.toFixed(0)} ms after, ` +
      `${acknowledgedJtis.length} revocations and ${loggedOut.length} logouts acknowledged`,
  );
  expect([...statuses.keys()].filter((status) => ![200, 401, 503].includes(status))).toEqual([]);
  expect(statuses.get(503)).toBeGreaterThan(0);
  // The checks below go through these lists: empty, they would check nothing.
  expect(loggedOut.length).toBeGreaterThan(0);
  expect(acknowledgedJtis.length).toBeGreaterThan(0);
  for (const token of loggedOut) expect(errorCode(await server.gql(ME, {}, { token }))).toBe('TOKEN_REVOKED');
  const [missing] = await side<Array<{ count: number }>>`
    select count(*)::int as count from unnest(${acknowledgedJtis}::text[]) as acknowledged(jti)
    where not exists (select 1 from blacklisted_tokens b where b.jti = acknowledged.jti)`;
  expect(missing?.count).toBe(0);
  const [unaudited] = await side<Array<{ count: number }>>`
    select count(*)::int as count from blacklisted_tokens b
    where not exists (select 1 from audit_events a where a.target_jti = b.jti)`;
  expect(unaudited?.count).toBe(0);
  // users[0] is never logged out.
  const stillValid = users.find((user) => !loggedOut.includes(user.accessToken));
  expect((await server.gql(ME, {}, { token: stillValid?.accessToken })).errors).toBeUndefined();
  expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200);
});
