import { count, lte } from 'drizzle-orm';
import { blacklistedTokens } from '../src/db/schema';
import { errorCode } from './support/graphql-client';
import { BLACKLISTED_TOKENS, LOGOUT, PURGE, type AuthPayloadData, type Connection } from './support/operations';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let admin: AuthPayloadData;
beforeAll(async () => {
  server = await startTestServer();
  admin = await server.loginAdmin();
});
afterAll(() => server.stop());

it('deletes expired entries in batches and keeps live ones', async () => {
  const live = await server.register();
  await server.gql(LOGOUT, {}, { token: live.accessToken });

  // More than two batches of entries that expired an hour ago.
  const expiredAt = new Date(server.clock.now() - 3_600_000);
  const rows = Array.from({ length: 2_345 }, (_, i) => ({
    jti: `expired-${i.toString().padStart(6, '0')}`,
    reason: 'seeded',
    expiresAt: expiredAt,
    createdAt: new Date(expiredAt.getTime() - 60_000),
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await server.database.db.insert(blacklistedTokens).values(rows.slice(i, i + 500));
  }

  const purge = await server.gql<{ purgeExpiredTokens: number }>(PURGE, {}, { token: admin.accessToken });
  expect(purge.data?.purgeExpiredTokens).toBe(2_345);

  const [remainingExpired] = await server.database.db
    .select({ n: count() })
    .from(blacklistedTokens)
    .where(lte(blacklistedTokens.expiresAt, new Date(server.clock.now())));
  expect(remainingExpired?.n).toBe(0);
  const listing = await server.gql<{ blacklistedTokens: Connection<unknown> }>(
    BLACKLISTED_TOKENS,
    { includeExpired: true },
    { token: admin.accessToken },
  );
  expect(listing.data?.blacklistedTokens.totalCount).toBe(1);

  const again = await server.gql<{ purgeExpiredTokens: number }>(PURGE, {}, { token: admin.accessToken });
  expect(again.data?.purgeExpiredTokens).toBe(0);
});

it('runs on its own schedule', async () => {
  const scheduled = await startTestServer({ env: { CLEANUP_INTERVAL_SECONDS: '1' } });
  try {
    const expiredAt = new Date(scheduled.clock.now() - 1000);
    await scheduled.database.db
      .insert(blacklistedTokens)
      .values({ jti: 'expires-before-the-sweep', expiresAt: expiredAt, createdAt: expiredAt });
    const deadline = Date.now() + 5000;
    let left = 1;
    while (left > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const [row] = await scheduled.database.db.select({ n: count() }).from(blacklistedTokens);
      left = row?.n ?? 0;
    }
    expect(left).toBe(0);
  } finally {
    await scheduled.stop();
  }
});

it('is for administrators only', async () => {
  const user = await server.register();
  expect(errorCode(await server.gql(PURGE, {}, { token: user.accessToken }))).toBe('FORBIDDEN');
});
