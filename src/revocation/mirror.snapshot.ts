import { and, asc, gt, isNotNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { blacklistedTokens, users } from '../db/schema';
import { readFeedVersion } from './revocation.feed';
import type { RevocationMirror } from './revocation.mirror';

/** Rows per query while loading: bounds the memory a load needs beside the mirror itself. */
const PAGE_SIZE = 50_000;

const epochMs = (column: typeof blacklistedTokens.expiresAt | typeof users.tokensValidAfter) =>
  sql<number>`floor(extract(epoch from ${column}) * 1000)::float8`.mapWith(Number);

/**
 * Fills the mirror from one consistent snapshot (a repeatable-read, read-only transaction) and
 * returns the feed version that snapshot includes.
 */
export async function loadSnapshot(db: Database, mirror: RevocationMirror, nowMs: number): Promise<number> {
  const now = new Date(nowMs);
  return db.transaction(
    async (tx) => {
      const version = await readFeedVersion(tx);
      let after = '';
      for (;;) {
        const page = await tx
          .select({
            jti: blacklistedTokens.jti,
            untilMs: epochMs(blacklistedTokens.expiresAt),
            reason: blacklistedTokens.reason,
          })
          .from(blacklistedTokens)
          .where(and(gt(blacklistedTokens.expiresAt, now), gt(blacklistedTokens.jti, after)))
          .orderBy(asc(blacklistedTokens.jti))
          .limit(PAGE_SIZE);
        for (const row of page) mirror.addJti(row.jti, row.untilMs, row.reason);
        const last = page.at(-1);
        if (page.length < PAGE_SIZE || last === undefined) break;
        after = last.jti;
      }
      const cutoffs = await tx
        .select({ id: users.id, cutoffMs: epochMs(users.tokensValidAfter), reason: users.tokensRevokedReason })
        .from(users)
        .where(isNotNull(users.tokensValidAfter));
      for (const row of cutoffs) mirror.raiseCutoff(row.id, row.cutoffMs, row.reason);
      return version;
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
