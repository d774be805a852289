import { errorCode } from '../support/graphql-client';
import { claimsOf, Instances, mintAccessTokens } from '../support/instances';
import { ME, REVOKE_TOKEN } from '../support/operations';
import { PgBouncer } from '../support/pgbouncer';
import { percentile, waitFor } from '../support/wait';

jest.setTimeout(60_000);

let bouncer: PgBouncer;
beforeAll(async () => {
  bouncer = await PgBouncer.start(String(process.env.TEST_DATABASE_URL));
});
afterAll(() => bouncer.stop());

describe.each([
  ['through PgBouncer', { direct: false }],
  ['through PgBouncer, migrating on DATABASE_DIRECT_URL', { direct: true }],
])('instances starting at once on a fresh database %s', (_, options) => {
  let instances: Instances;
  beforeAll(async () => {
    instances = await Instances.create();
  });
  afterAll(() => instances.stopAll());

  it('all come up: one applies the migrations, the others wait for it', async () => {
    const testDatabase = bouncer.routeDatabase(instances.database, options);
    const [first, ...others] = await Promise.all(Array.from({ length: 4 }, () => instances.start({ testDatabase })));
    if (!first) throw new Error('no instance');
    const user = await first.register();
    for (const instance of [first, ...others]) {
      expect(errorCode(await instance.gql(ME, {}, { token: user.accessToken }))).toBeUndefined();
    }
  });
});

describe('two instances through PgBouncer with DATABASE_DIRECT_URL', () => {
  let instances: Instances;
  beforeAll(async () => {
    instances = await Instances.create();
  });
  afterAll(() => instances.stopAll());

  it('enforces on B, within 1 s, what was revoked on A: B listens on the direct connection', async () => {
    const testDatabase = bouncer.routeDatabase(instances.database, { direct: true });
    const a = await instances.start({ testDatabase });
    const b = await instances.start({ testDatabase });
    const admin = await a.loginAdmin();
    const tokens = await mintAccessTokens(a.url, await a.register(), 30);
    const lagsMs: number[] = [];
    for (const token of tokens) {
      const claims = claimsOf(token);
      const revoked = await a.gql(REVOKE_TOKEN, { input: { jti: claims.jti } }, { token: admin.accessToken });
      expect(revoked.errors).toBeUndefined();
      lagsMs.push(
        await waitFor(
          async () => (await b.server.services.revocationCheck.isRevoked(claims)) !== null,
          1000,
          'B sees it',
          0,
        ),
      );
      expect(b.server.services.revocationCheck.status().synced).toBe(true);
    }
    console.log(
      `propagation A→B through PgBouncer, LISTEN on DATABASE_DIRECT_URL, over ${lagsMs.length} revocations: ` +
        `p50 ${percentile(lagsMs, 50).toFixed(2)} ms, max ${Math.max(...lagsMs).toFixed(2)} ms`,
    );
    expect(errorCode(await b.gql(ME, {}, { token: tokens.at(-1) ?? '' }))).toBe('TOKEN_REVOKED');
  });
});
