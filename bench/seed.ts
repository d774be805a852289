import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/db/client';
import { targetOf, type BenchDatabase } from './fleet';

/** Insert statements run at once: PostgreSQL builds the indexes of each on a core of its own. */
const PARALLEL_INSERTS = 2;

/**
 * How seeded jtis look: a UUID's 36 characters, or the service's own 22 (16 random bytes in
 * base64url), which a verifier holding them in memory should be measured with.
 */
export type JtiShape = 'uuid' | 'issued';

const JTI = {
  uuid: sql`gen_random_uuid()::text`,
  issued: sql`rtrim(translate(encode(uuid_send(gen_random_uuid()), 'base64'), '+/', '-_'), '=')`,
};

/**
 * Inserts `count` active revocations and returns how long that took. The database is migrated
 * first and closed afterwards.
 */
export async function seedRevocations(
  database: BenchDatabase,
  count: number,
  shape: JtiShape = 'uuid',
): Promise<number> {
  const handle = await openDatabase(targetOf(database));
  try {
    await handle.migrate();
    const started = performance.now();
    const share = Math.ceil(count / PARALLEL_INSERTS);
    await Promise.all(
      Array.from({ length: PARALLEL_INSERTS }, (_, part) =>
        handle.db.execute(sql`
          insert into blacklisted_tokens (jti, reason, expires_at, created_at)
          select ${JTI[shape]}, 'seeded by the bench', now() + interval '1 day', now()
          from generate_series(${part * share + 1}::int, ${Math.min(count, (part + 1) * share)}::int)`),
      ),
    );
    return performance.now() - started;
  } finally {
    await handle.close();
  }
}
