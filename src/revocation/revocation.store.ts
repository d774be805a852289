import { and, count, desc, eq, gt, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { epochMsOrNull } from '../db/epoch-ms';
import type { Database } from '../db/database';
import { accessTokens, blacklistedTokens, sessions, signingKeys, users, type BlacklistedTokenRow } from '../db/schema';
import { isStorableText } from '../db/storable-text';
import { isUuid } from '../ids';
import type { RevocationFacts } from './revocation.rule';

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

type FactKind = 'jti' | 'user' | 'session' | 'key';

/** Longer than any kid we issue; a longer one names no key and is not sent to the database. */
const MAX_KID_LENGTH = 64;

/**
 * Everything recorded against the token's jti, user and session, in one round trip. Whether it
 * revokes the token is left to `revocationOf`, the rule the mirror applies too.
 */
export async function findRevocationFacts(
  db: Database,
  token: { jti: string; userId: string; sessionId: string; kid: string | null },
): Promise<RevocationFacts> {
  const none = sql<number | null>`null::float8`;
  const kind = (name: FactKind) => sql<FactKind>`${name}::text`.as('kind');
  let query = db
    .select({
      kind: kind('jti'),
      reason: blacklistedTokens.reason,
      cutoffMs: none.as('cutoff_ms'),
      untilMs: epochMsOrNull(blacklistedTokens.expiresAt).as('until_ms'),
    })
    .from(blacklistedTokens)
    .where(eq(blacklistedTokens.jti, token.jti))
    .$dynamic();
  // Ids that are not UUIDs can name no row, and must not reach a uuid column as a cast error.
  if (isUuid(token.userId)) {
    query = query.unionAll(
      db
        .select({
          kind: kind('user'),
          reason: users.tokensRevokedReason,
          cutoffMs: epochMsOrNull(users.tokensValidAfter),
          untilMs: none,
        })
        .from(users)
        .where(and(eq(users.id, token.userId), isNotNull(users.tokensValidAfter))),
    );
  }
  if (isUuid(token.sessionId)) {
    query = query.unionAll(
      db
        .select({
          kind: kind('session'),
          reason: sessions.revokedReason,
          cutoffMs: epochMsOrNull(sessions.tokensValidAfter),
          untilMs: epochMsOrNull(sessions.cutoffExpiresAt),
        })
        .from(sessions)
        .where(and(eq(sessions.id, token.sessionId), isNotNull(sessions.tokensValidAfter))),
    );
  }
  if (token.kid !== null && token.kid.length <= MAX_KID_LENGTH && isStorableText(token.kid)) {
    query = query.unionAll(
      db
        .select({ kind: kind('key'), reason: signingKeys.revokedReason, cutoffMs: none, untilMs: none })
        .from(signingKeys)
        .where(and(eq(signingKeys.kid, token.kid), isNotNull(signingKeys.revokedAt))),
    );
  }
  const facts: RevocationFacts = {};
  for (const row of await query) {
    const cutoffMs = Number(row.cutoffMs);
    const untilMs = Number(row.untilMs);
    if (row.kind === 'jti') facts.jti = { untilMs, reason: row.reason };
    else if (row.kind === 'user') facts.user = { cutoffMs, reason: row.reason };
    else if (row.kind === 'key') facts.key = { reason: row.reason };
    else facts.session = { cutoffMs, untilMs, reason: row.reason };
  }
  return facts;
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
    .where(
      and(
        or(lte(sessions.expiresAt, now), lt(sessions.revokedAt, endedBefore)),
        // A session cutoff still in force is kept, so that the database answers as the mirrors do.
        or(isNull(sessions.cutoffExpiresAt), lte(sessions.cutoffExpiresAt, now)),
      ),
    )
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
