import { count, lte } from 'drizzle-orm';
import { blacklistedTokens } from '../src/db/schema';
import { errorCode } from './support/graphql-client';
import { BLACKLISTED_TOKENS, LOGOUT, PURGE, type Connection } from './support/operations';
import { useServerWithAdmin } from './support/shared-server';
import { startTestServer } from './support/test-server';

const shared = useServerWithAdmin();

it('deletes expired entries in batches and keeps live ones', async () => {
  const live = await shared.server.register();
  await shared.server.gql(LOGOUT, {}, { token: live.accessToken });

  // More than two batches of entries that expired an hour ago.
  const expiredAt = new Date(shared.server.clock.now() - 3_600_000);
  const rows = Array.from({ length: 2_345 }, (_, i) => ({
    jti: `expired-${i.toString().padStart(6, '0')}`,
    reason: 'seeded',
    expiresAt: expiredAt,
    createdAt: new Date(expiredAt.getTime() - 60_000),
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await shared.server.database.db.insert(blacklistedTokens).values(rows.slice(i, i + 500));
  }

  const purge = await shared.server.gql<{ purgeExpiredTokens: number }>(PURGE, {}, { token: shared.admin.accessToken });
  expect(purge.data?.purgeExpiredTokens).toBe(2_345);

  const [remainingExpired] = await shared.server.database.db
    .select({ n: count() })
    .from(blacklistedTokens)
    .where(lte(blacklistedTokens.expiresAt, new Date(shared.server.clock.now())));
  expect(remainingExpired?.n).toBe(0);
  const listing = await shared.server.gql<{ blacklistedTokens: Connection<unknown> }>(
    BLACKLISTED_TOKENS,
    { includeExpired: true },
    { token: shared.admin.accessToken },
  );
  expect(listing.data?.blacklistedTokens.totalCount).toBe(1);

  const again = await shared.server.gql<{ purgeExpiredTokens: number }>(PURGE, {}, { token: shared.admin.accessToken });
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
  const user = await shared.server.register();
  expect(errorCode(await shared.server.gql(PURGE, {}, { token: user.accessToken }))).toBe('FORBIDDEN');
});
