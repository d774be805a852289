import { BusServer } from '../support/bus-server';
import { errorCode } from '../support/graphql-client';
import { claimsForJti, claimsOf, Instances, mintAccessTokens } from '../support/instances';
import { ME, REVOKE_TOKEN } from '../support/operations';
import { PgBouncer } from '../support/pgbouncer';
import type { TestServer } from '../support/test-server';
import { percentile, waitFor } from '../support/wait';

// Two instances whose DATABASE_URL leads through PgBouncer in transaction mode, with each bus: the
// deployment most managed PostgreSQL offers. The bus servers are the test's own, so that it can
// take them away while revocations go on.
jest.setTimeout(120_000);

let bouncer: PgBouncer;
beforeAll(async () => {
  bouncer = await PgBouncer.start(String(process.env.TEST_DATABASE_URL));
});
afterAll(() => bouncer.stop());

/** Revokes `jti` on `a`; resolves with the milliseconds from `a`'s answer until `b` refuses it. */
async function revokeAndTime(a: TestServer, b: TestServer, adminToken: string, jti: string): Promise<number> {
  const revoked = await a.gql(REVOKE_TOKEN, { input: { jti } }, { token: adminToken });
  expect(revoked.errors).toBeUndefined();
  const claims = claimsForJti(jti);
  return waitFor(
    async () => (await b.server.services.revocationCheck.isRevoked(claims)) !== null,
    b.config.revocationMaxStalenessMs,
    `${jti} refused on B within the staleness bound`,
    0,
  );
}

const summary = (lagsMs: number[]) =>
  `p50 ${percentile(lagsMs, 50).toFixed(1)} ms, p99 ${percentile(lagsMs, 99).toFixed(1)} ms, max ${Math.max(...lagsMs).toFixed(1)} ms`;

describe('the postgres bus through PgBouncer, with no direct URL', () => {
  let instances: Instances;
  beforeAll(async () => {
    instances = await Instances.create();
  });
  afterAll(() => instances.stopAll());

  it('finds at start that notifications do not arrive, says so once, polls the log and stays ready', async () => {
    const testDatabase = bouncer.routeDatabase(instances.database);
    const a = await instances.start({ testDatabase, env: { REVOCATION_CHECK: 'database' } });
    const b = await instances.start({ testDatabase });
    const status = b.server.services.revocationCheck.status();
    expect(status).toMatchObject({ synced: true, bus: 'postgres', busMode: 'poll' });
    expect(b.logs.lines.filter((line) => line.includes('revocation notifications do not arrive'))).toHaveLength(1);
    expect((await fetch(`${b.baseUrl}/readyz`)).status).toBe(200);

    const admin = await a.loginAdmin();
    const lagsMs: number[] = [];
    for (let n = 0; n < 30; n += 1)
      lagsMs.push(await revokeAndTime(a, b, admin.accessToken, `polled-${n}-${Date.now()}`));
    console.log(`postgres bus polling through PgBouncer: A→B ${summary(lagsMs)} (REVOCATION_POLL_MS 100)`);
    expect(b.logs.lines.filter((line) => line.includes('revocation notifications do not arrive'))).toHaveLength(1);
  });
});

describe.each([
  ['nats', () => BusServer.nats(), 'NATS_URL'],
  ['redis', () => BusServer.redis(), 'REDIS_URL'],
] as const)('REVOCATION_BUS=%s through PgBouncer', (bus, launch, urlVariable) => {
  let instances: Instances;
  let server: BusServer;
  let a: TestServer;
  let b: TestServer;
  let adminToken: string;
  beforeAll(async () => {
    server = await launch();
    instances = await Instances.create();
    const env = { REVOCATION_BUS: bus, [urlVariable]: server.url, REVOCATION_BUS_NAME: `test-${process.pid}` };
    const testDatabase = bouncer.routeDatabase(instances.database);
    a = await instances.start({ testDatabase, env });
    b = await instances.start({ testDatabase, env });
    adminToken = (await a.loginAdmin()).accessToken;
  });
  afterAll(async () => {
    await instances.stopAll();
    await server.dispose();
  });

  it('carries revocations from A to B within milliseconds', async () => {
    expect(b.server.services.revocationCheck.status()).toMatchObject({ synced: true, bus, busMode: bus });
    const user = await a.register();
    const tokens = await mintAccessTokens(a.url, user, 40);
    const lagsMs: number[] = [];
    for (const token of tokens) {
      lagsMs.push(await revokeAndTime(a, b, adminToken, claimsOf(token).jti));
      expect(errorCode(await b.gql(ME, {}, { token }))).toBe('TOKEN_REVOKED');
    }
    console.log(`${bus} bus through PgBouncer: A→B over ${lagsMs.length} revocations ${summary(lagsMs)}`);
    // The log read every 500 ms would bring them too: faster than that, they came over the bus.
    expect(percentile(lagsMs, 50)).toBeLessThan(100);
  });

  it('while the bus is down, every revocation is refused on B within the staleness bound; once it is back, both converge from the log with no reload', async () => {
    const check = b.server.services.revocationCheck;
    const reloadsBefore = check.status().fullReloads;
    await server.stop();
    const startedMs = performance.now();
    const lagsMs: number[] = [];
    const answersMs: number[] = [];
    for (let n = 0; n < 20; n += 1) {
      const before = performance.now();
      lagsMs.push(await revokeAndTime(a, b, adminToken, `outage-${bus}-${n}-${Date.now()}`));
      answersMs.push(performance.now() - before - (lagsMs.at(-1) ?? 0));
    }
    console.log(
      `${bus} down: 20 revocations answered in p50 ${percentile(answersMs, 50).toFixed(1)} ms, refused on B ${summary(lagsMs)} ` +
        `(over ${((performance.now() - startedMs) / 1000).toFixed(1)} s)`,
    );
    expect((await fetch(`${b.baseUrl}/readyz`)).status).toBe(200);

    await server.start();
    const head = () => b.server.services.revocationCheck.status().appliedVersion ?? 0;
    const jti = `after-${bus}-${Date.now()}`;
    const lagAfterMs = await revokeAndTime(a, b, adminToken, jti);
    console.log(`${bus} back: the next revocation refused on B after ${lagAfterMs.toFixed(1)} ms`);
    await waitFor(
      () => head() >= (a.server.services.revocationCheck.status().appliedVersion ?? 0),
      5000,
      'B converges',
    );
    expect(check.status()).toMatchObject({ synced: true, fullReloads: reloadsBefore });
  });
});
