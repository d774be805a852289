import { and, gt, isNotNull, sql } from 'drizzle-orm';
import type { Database } from '../db/database';
import { epochMs } from '../db/epoch-ms';
import { rawRows } from '../db/raw-rows';
import { blacklistedTokens, sessions, users } from '../db/schema';
import { listRevokedSigningKeys } from './revocation-cutoffs.store';
import { readLogHead } from './revocation-log.store';
import type { RevocationMirror } from './revocation.mirror';

/** Rows per fetch while loading: bounds the memory a load needs beside the mirror itself. */
const PAGE_SIZE = 50_000;
const CURSOR = sql.identifier('revocation_snapshot');

interface JtiRow extends Record<string, unknown> {
  jti: string;
  until_ms: number;
  reason: string | null;
}

/**
 * Reads the active blacklist through a cursor. Keyset pages (`jti > last order by jti limit n`)
 * made PostgreSQL sort the whole table once per page: 11 s for 1 M rows, against 2.5 s this way.
 */
async function loadJtis(tx: Database, mirror: RevocationMirror, now: Date): Promise<void> {
  const active = tx
    .select({
      jti: blacklistedTokens.jti,
      untilMs: epochMs(blacklistedTokens.expiresAt).as('until_ms'),
      reason: blacklistedTokens.reason,
    })
    .from(blacklistedTokens)
    .where(gt(blacklistedTokens.expiresAt, now));
  await tx.execute(sql`declare ${CURSOR} no scroll cursor for ${active}`);
  for (;;) {
    const page = rawRows<JtiRow>(await tx.execute(sql`fetch forward ${sql.raw(String(PAGE_SIZE))} from ${CURSOR}`));
    for (const row of page) mirror.addJti(row.jti, row.until_ms, row.reason);
    if (page.length < PAGE_SIZE) break;
  }
  await tx.execute(sql`close ${CURSOR}`);
}

/**
 * Fills the mirror from one consistent snapshot (a repeatable-read, read-only transaction) and
 * returns the log version that snapshot includes.
 */
export async function loadSnapshot(db: Database, mirror: RevocationMirror, nowMs: number): Promise<number> {
  return db.transaction(
    async (tx) => {
      const version = await readLogHead(tx);
      const now = new Date(nowMs);
      await loadJtis(tx, mirror, now);
      const cutoffs = await tx
        .select({ id: users.id, cutoffMs: epochMs(users.tokensValidAfter), reason: users.tokensRevokedReason })
        .from(users)
        .where(isNotNull(users.tokensValidAfter));
      for (const row of cutoffs) mirror.raiseCutoff(row.id, row.cutoffMs, row.reason);
      const sessionCutoffs = await tx
        .select({
          id: sessions.id,
          cutoffMs: epochMs(sessions.tokensValidAfter),
          untilMs: epochMs(sessions.cutoffExpiresAt),
          reason: sessions.revokedReason,
        })
        .from(sessions)
        .where(and(isNotNull(sessions.tokensValidAfter), gt(sessions.cutoffExpiresAt, now)));
      for (const row of sessionCutoffs) mirror.raiseSessionCutoff(row.id, row.cutoffMs, row.untilMs, row.reason);
      for (const row of await listRevokedSigningKeys(tx)) mirror.revokeKey(row.kid, row.reason);
      return version;
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
