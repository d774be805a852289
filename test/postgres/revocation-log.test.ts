import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { rawRows } from '../../src/db/raw-rows';
import type { DatabaseTarget } from '../../src/db/client';
import { claimsForJti, Instances } from '../support/instances';
import { REVOKE_TOKEN } from '../support/operations';
import { holdInTransaction, openSideConnection } from '../support/side-connection';
import type { TestDatabase } from '../support/test-database';
import type { TestServer } from '../support/test-server';
import { percentile, waitFor } from '../support/wait';

jest.setTimeout(60_000);

let instances: Instances;
let side: postgres.Sql;
/** Roles a test created: cluster-wide, dropped once the test's database (holding their grants) is gone. */
const roles: string[] = [];
beforeEach(async () => {
  instances = await Instances.create();
  side = openSideConnection(instances.database);
});
afterEach(async () => {
  await side.end();
  await instances.stopAll();
  if (roles.length === 0) return;
  const server = postgres(String(process.env.TEST_DATABASE_URL), { max: 1, onnotice: () => undefined });
  try {
    for (const role of roles.splice(0)) await server.unsafe(`drop role if exists ${role}`);
  } finally {
    await server.end();
  }
});

/**
 * Revokes jtis on `instance`, `width` at a time, until `until` resolves and at least `atLeast` were
 * acknowledged (a loaded machine answers fewer in the same time); returns those acknowledged.
 */
async function revokeUntil(
  instance: TestServer,
  adminToken: string,
  width: number,
  until: Promise<unknown>,
  atLeast = 0,
) {
  const acknowledged: string[] = [];
  let untilDone = false;
  void until.finally(() => {
    untilDone = true;
  });
  const going = () => !untilDone || acknowledged.length < atLeast;
  await Promise.all(
    Array.from({ length: width }, async (_, worker) => {
      for (let n = 0; going(); n += 1) {
        const jti = `log-${worker}-${n}-${Date.now()}`;
        const answer = await instance.gql(REVOKE_TOKEN, { input: { jti } }, { token: adminToken });
        if (answer.errors) throw new Error(`revocation refused: ${JSON.stringify(answer.errors)}`);
        acknowledged.push(jti);
      }
    }),
  );
  return acknowledged;
}

async function logHead(): Promise<number> {
  const [row] = await side<Array<{ version: string }>>`select version from revocation_feed`;
  return Number(row?.version ?? 0);
}

it('numbers every revocation once, gapless, in a log that a snapshot and its tail agree with while 16 clients revoke', async () => {
  const a = await instances.start({ env: { REVOCATION_CHECK: 'database' } });
  const admin = await a.loginAdmin();
  let startB!: (value: TestServer) => void;
  const bStarted = new Promise<TestServer>((resolve) => (startB = resolve));
  const load = revokeUntil(
    a,
    admin.accessToken,
    16,
    bStarted.then(() => new Promise((resolve) => setTimeout(resolve, 500))),
    60,
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  // B's snapshot is read while revocations commit on A; the tail after it comes from its bus and the log.
  const b = await instances.start();
  startB(b);
  const acknowledged = await load;

  const head = await logHead();
  const versions = await side<Array<{ version: string }>>`select version from revocation_log order by version`;
  expect(versions.map((row) => Number(row.version))).toEqual(Array.from({ length: head }, (_, i) => i + 1));
  const [pending] = await side<
    Array<{ count: number }>
  >`select count(*)::int as count from revocation_log where version is null`;
  expect(pending?.count).toBe(0);

  const check = b.server.services.revocationCheck;
  await waitFor(() => (check.status().appliedVersion ?? 0) >= head, 2000, `B applies every version up to ${head}`);
  expect(check.status()).toMatchObject({ synced: true, fullReloads: 1 });
  const missed: string[] = [];
  for (const jti of acknowledged) if ((await check.isRevoked(claimsForJti(jti))) === null) missed.push(jti);
  console.log(
    `${acknowledged.length} revocations under B's start: ${head} log versions, B applied all, missed ${missed.length}`,
  );
  expect(acknowledged.length).toBeGreaterThan(50);
  expect(missed).toEqual([]);
  const active = rawRows<{ count: number }>(
    await b.database.db.execute(sql`select count(*)::int as count from blacklisted_tokens where expires_at > now()`),
  );
  expect(check.status().size).toBe(active[0]?.count);
});

it('a listener stuck in a transaction does not make revocations fail or slow down their spread', async () => {
  const a = await instances.start({ env: { REVOCATION_CHECK: 'database' } });
  const b = await instances.start();
  const admin = await a.loginAdmin();
  // A session that listens and then never ends its transaction: PostgreSQL cannot trim the
  // notification queue past it for as long as it stays.
  const stuck = await holdInTransaction(side, async (tx) => {
    await tx.unsafe('listen token_warden_revocations');
    await tx`select 1`;
  });
  try {
    const lagsMs: number[] = [];
    for (let n = 0; n < 30; n += 1) {
      const jti = `stuck-${n}-${Date.now()}`;
      const answer = await a.gql(REVOKE_TOKEN, { input: { jti } }, { token: admin.accessToken });
      expect(answer.errors).toBeUndefined();
      const claims = claimsForJti(jti);
      lagsMs.push(
        await waitFor(
          async () => (await b.server.services.revocationCheck.isRevoked(claims)) !== null,
          2000,
          'B refuses it',
          0,
        ),
      );
    }
    console.log(
      `with a stuck listener: 30 revocations, B refused each after p50 ${percentile(lagsMs, 50).toFixed(1)} ms`,
    );
    expect(b.server.services.revocationCheck.status().busMode).toBe('notify');
  } finally {
    stuck.release();
    await stuck.done.catch(() => undefined);
  }
});

/** `database` reached as `role` instead of the superuser. */
function asRole(database: TestDatabase, role: string): TestDatabase {
  if (database.target.kind !== 'postgres') throw new Error('needs PostgreSQL');
  const url = new URL(database.target.url);
  url.username = role;
  url.password = '';
  const target: DatabaseTarget = { kind: 'postgres', url: url.toString() };
  return { ...database, target };
}

it('a revocation whose notification cannot be sent is still acknowledged, and reaches the other instance through the log', async () => {
  const b = await instances.start();
  const role = `tw_no_notify_${process.pid}_${Date.now()}`;
  await side.unsafe(`create role ${role} login`);
  roles.push(role);
  {
    const [current] = await side<Array<{ name: string }>>`select current_database() as name`;
    await side.unsafe(`grant create, connect on database "${current?.name ?? ''}" to ${role}`);
    await side.unsafe(`grant all on all tables in schema public, drizzle to ${role}`);
    await side.unsafe(`grant all on all sequences in schema public, drizzle to ${role}`);
    await side.unsafe(`grant usage, create on schema public, drizzle to ${role}`);
    // Function privileges live in each database: this one's pg_notify refuses A, as a full queue would.
    await side.unsafe(`revoke execute on function pg_notify(text, text) from public`);
    const a = await instances.start({
      testDatabase: asRole(instances.database, role),
      env: { REVOCATION_CHECK: 'database' },
    });
    const admin = await a.loginAdmin();
    const check = b.server.services.revocationCheck;
    for (let n = 0; n < 5; n += 1) {
      const jti = `unnotified-${n}-${Date.now()}`;
      const answer = await a.gql(REVOKE_TOKEN, { input: { jti } }, { token: admin.accessToken });
      expect(answer.errors).toBeUndefined();
      await waitFor(
        async () => (await check.isRevoked(claimsForJti(jti))) !== null,
        b.config.revocationMaxStalenessMs,
        'B refuses it, read from the log',
      );
    }
    expect(a.logs.lines.some((line) => line.includes('revocation notifications could not be sent'))).toBe(true);
    expect(check.status().synced).toBe(true);
  }
});
