import { sql } from 'drizzle-orm';
import { claimsForJti } from '../support/instances';
import { useInstances } from '../support/use-instances';

const SEEDED = 100_000;

const {
  instances,
  servers: [seeder],
} = useInstances({ env: { REVOCATION_CHECK: 'database' } });

it(`loads ${SEEDED} active revocations at start`, async () => {
  const seedStarted = performance.now();
  await seeder.database.db.execute(sql`
    insert into blacklisted_tokens (jti, reason, expires_at, created_at)
    select 'seeded-' || n, 'bulk', now() + interval '1 hour', now() from generate_series(1, ${SEEDED}) as n`);
  const seedMs = performance.now() - seedStarted;

  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const instance = await instances.start();
  const startMs = performance.now() - started;
  global.gc?.();
  const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  console.log(
    `mirror load: ${SEEDED} seeded in ${seedMs.toFixed(0)} ms; instance ready in ${startMs.toFixed(0)} ms ` +
      `(includes its own pool and Apollo), heap +${heapGrowthMb.toFixed(1)} MB`,
  );
  const check = instance.server.services.revocationCheck;
  expect(check.status()).toMatchObject({ synced: true, size: SEEDED });
  expect(await check.isRevoked(claimsForJti('seeded-54321'))).toEqual({ reason: 'bulk' });
  expect(await check.isRevoked(claimsForJti('seeded-0'))).toBeNull();
});
