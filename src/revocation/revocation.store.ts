import { and, count, desc, eq, gt, gte, inArray, lt, lte, or, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { accessTokens, blacklistedTokens, sessions, users, type BlacklistedTokenRow } from '../db/schema';
import { isUuid } from '../ids';

export type NewBlacklistEntry = Omit<BlacklistedTokenRow, 'createdAt'>;

/** Inserts the entries that are not blacklisted yet; returns only those newly inserted. */
export async function insertBlacklistEntries(
  db: Database,
  entries: NewBlacklistEntry[],
  createdAt: Date,
): Promise<BlacklistedTokenRow[]> {
  if (entries.length === 0) return [];
  return db
    .insert(blacklistedTokens)
    .values(entries.map((entry) => ({ ...entry, createdAt })))
    .onConflictDoNothing({ target: blacklistedTokens.jti })
    .returning();
}

export async function findBlacklistEntry(db: Database, jti: string): Promise<BlacklistedTokenRow | undefined> {
  const [row] = await db.select().from(blacklistedTokens).where(eq(blacklistedTokens.jti, jti));
  return row;
}

/**
 * The reason a token is revoked, or undefined: its jti is blacklisted and unexpired, or it
 * was issued at or before its user's cutoff. One round trip for both rules.
 */
export async function findRevocationReason(
  db: Database,
  token: { jti: string; userId: string; issuedAt: Date },
  now: Date,
): Promise<{ reason: string | null } | undefined> {
  const byJti = db
    .select({ reason: blacklistedTokens.reason })
    .from(blacklistedTokens)
    .where(and(eq(blacklistedTokens.jti, token.jti), gt(blacklistedTokens.expiresAt, now)));
  if (!isUuid(token.userId)) {
    const [row] = await byJti.limit(1);
    return row;
  }
  const byCutoff = db
    .select({ reason: users.tokensRevokedReason })
    .from(users)
    .where(and(eq(users.id, token.userId), gte(users.tokensValidAfter, token.issuedAt)));
  const [row] = await byJti.unionAll(byCutoff).limit(1);
  return row;
}

export interface BlacklistFilter {
  userId?: string;
  includeExpired: boolean;
  now: Date;
}

function blacklistWhere(filter: BlacklistFilter): SQL | undefined {
  return and(
    filter.userId === undefined ? undefined : eq(blacklistedTokens.userId, filter.userId),
    filter.includeExpired ? undefined : gt(blacklistedTokens.expiresAt, filter.now),
  );
}

/** Newest first, keyset-paginated on (created_at, jti). */
export async function listBlacklistEntries(
  db: Database,
  filter: BlacklistFilter,
  page: { limit: number; after?: { createdAt: Date; jti: string } },
): Promise<BlacklistedTokenRow[]> {
  const after = page.after;
  const afterCursor = after
    ? or(
        lt(blacklistedTokens.createdAt, after.createdAt),
        and(eq(blacklistedTokens.createdAt, after.createdAt), lt(blacklistedTokens.jti, after.jti)),
      )
    : undefined;
  return db
    .select()
    .from(blacklistedTokens)
    .where(and(blacklistWhere(filter), afterCursor))
    .orderBy(desc(blacklistedTokens.createdAt), desc(blacklistedTokens.jti))
    .limit(page.limit);
}

export async function countBlacklistEntries(db: Database, filter: BlacklistFilter): Promise<number> {
  const [row] = await db.select({ n: count() }).from(blacklistedTokens).where(blacklistWhere(filter));
  return row?.n ?? 0;
}

/** Deletes up to `limit` expired blacklist entries; returns how many it deleted. */
export async function deleteExpiredBlacklistBatch(db: Database, now: Date, limit: number): Promise<number> {
  const batch = db
    .select({ jti: blacklistedTokens.jti })
    .from(blacklistedTokens)
    .where(lte(blacklistedTokens.expiresAt, now))
    .limit(limit);
  const rows = await db
    .delete(blacklistedTokens)
    .where(inArray(blacklistedTokens.jti, batch))
    .returning({ jti: blacklistedTokens.jti });
  return rows.length;
}

/**
 * Deletes up to `limit` dead sessions: past their refresh expiry, or ended long enough ago
 * that every access token they issued has expired. Their access-token and retired-token
 * records go with them (ON DELETE CASCADE).
 */
export async function deleteDeadSessionBatch(
  db: Database,
  now: Date,
  endedBefore: Date,
  limit: number,
): Promise<number> {
  const batch = db
    .select({ id: sessions.id })
    .from(sessions)
    .where(or(lte(sessions.expiresAt, now), lt(sessions.revokedAt, endedBefore)))
    .limit(limit);
  const rows = await db.delete(sessions).where(inArray(sessions.id, batch)).returning({ id: sessions.id });
  return rows.length;
}

/** Deletes up to `limit` expired access-token records of sessions that are still alive. */
export async function deleteExpiredAccessTokenBatch(db: Database, now: Date, limit: number): Promise<number> {
  const batch = db
    .select({ jti: accessTokens.jti })
    .from(accessTokens)
    .where(lte(accessTokens.expiresAt, now))
    .limit(limit);
  const rows = await db
    .delete(accessTokens)
    .where(inArray(accessTokens.jti, batch))
    .returning({ jti: accessTokens.jti });
  return rows.length;
}
