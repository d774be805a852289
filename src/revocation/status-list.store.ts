import { and, asc, eq, gt, inArray, isNotNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { epochMsOrNull } from '../db/epoch-ms';
import type { Database } from '../db/database';
import { rawRows } from '../db/raw-rows';
import { accessTokens, blacklistedTokens, sessions, signingKeys, statusLists, users } from '../db/schema';
import type { RevocationFacts } from './revocation.rule';

/** Positions handed out from one list: `[start, end)` of its permutation. */
export interface ReservedBlock {
  listId: string;
  size: number;
  permutationKey: string;
  start: number;
  end: number;
}

export interface NewList {
  id: string;
  size: number;
  permutationKey: string;
}

/**
 * Hands out up to `count` positions of the oldest list with room. Every instance draws from the
 * same list (the herd stays together); the row lock serializes them, so blocks never overlap.
 * Null when no list has room.
 */
export async function reserveBlock(db: Database, count: number, now: Date): Promise<ReservedBlock | null> {
  const result = await db.execute(sql`
    with picked as (
      select id, reserved from ${statusLists}
      where reserved < size order by created_at, id limit 1 for update
    )
    update ${statusLists} l
    set reserved = least(l.reserved + ${count}, l.size), last_reserved_at = ${now.toISOString()}::timestamptz
    from picked where l.id = picked.id
    returning l.id, l.size, l.permutation_key, picked.reserved as start, l.reserved as "end"`);
  // Integers, though a driver may hand them over as text.
  type Count = number | string;
  const [row] = rawRows<{ id: string; size: Count; permutation_key: string; start: Count; end: Count }>(result);
  if (!row) return null;
  return {
    listId: row.id,
    size: Number(row.size),
    permutationKey: row.permutation_key,
    start: Number(row.start),
    end: Number(row.end),
  };
}

export async function insertList(db: Database, list: NewList, now: Date): Promise<void> {
  await db.insert(statusLists).values({ ...list, reserved: 0, createdAt: now, lastReservedAt: now });
}

export interface ListSummary {
  id: string;
  size: number;
  reserved: number;
  lastReservedAt: Date;
}

const summary = {
  id: statusLists.id,
  size: statusLists.size,
  reserved: statusLists.reserved,
  lastReservedAt: statusLists.lastReservedAt,
};

/** Lists with room, or whose last block was handed out after `since`: those whose tokens may live. */
export function findLiveLists(db: Database, since: Date): Promise<ListSummary[]> {
  return db
    .select(summary)
    .from(statusLists)
    .where(or(lt(statusLists.reserved, statusLists.size), gt(statusLists.lastReservedAt, since)))
    .orderBy(asc(statusLists.createdAt), asc(statusLists.id));
}

/** One token with a status entry, and what is recorded against it, for `revocationOf`. */
export interface StatusEntryFacts {
  listId: string;
  idx: number;
  issuedAtMs: number;
  facts: RevocationFacts;
}

/** Which live tokens to read: those named by any of these, or every one in `listId` from `afterIdx` on. */
export interface EntryFilter {
  jtis?: string[];
  sessionIds?: string[];
  userIds?: string[];
  kids?: string[];
  list?: { id: string; afterIdx: number; limit: number };
}

function entryWhere(filter: EntryFilter): SQL | undefined {
  const { jtis = [], sessionIds = [], userIds = [], kids = [], list } = filter;
  if (list) return and(eq(accessTokens.statusListId, list.id), gt(accessTokens.statusIdx, list.afterIdx));
  return or(
    jtis.length > 0 ? inArray(accessTokens.jti, jtis) : undefined,
    sessionIds.length > 0 ? inArray(accessTokens.sessionId, sessionIds) : undefined,
    // Through sessions, whose user_id is indexed: access_tokens is not indexed by user.
    userIds.length > 0
      ? inArray(
          accessTokens.sessionId,
          sql`(select ${sessions.id} from ${sessions} where ${inArray(sessions.userId, userIds)})`,
        )
      : undefined,
    kids.length > 0 ? inArray(accessTokens.kid, kids) : undefined,
  );
}

/**
 * The live tokens with a status entry that the filter names, each with the facts recorded against
 * its jti, session, user and key, in one round trip. Whether they revoke it is `revocationOf`'s call.
 */
export async function findStatusEntryFacts(db: Database, filter: EntryFilter, now: Date): Promise<StatusEntryFacts[]> {
  const where = entryWhere(filter);
  if (where === undefined) return [];
  const query = db
    .select({
      listId: accessTokens.statusListId,
      idx: accessTokens.statusIdx,
      issuedAtMs: epochMsOrNull(accessTokens.issuedAt),
      jtiUntilMs: epochMsOrNull(blacklistedTokens.expiresAt),
      jtiReason: blacklistedTokens.reason,
      jtiListed: blacklistedTokens.jti,
      userCutoffMs: epochMsOrNull(users.tokensValidAfter),
      userReason: users.tokensRevokedReason,
      sessionCutoffMs: epochMsOrNull(sessions.tokensValidAfter),
      sessionUntilMs: epochMsOrNull(sessions.cutoffExpiresAt),
      sessionReason: sessions.revokedReason,
      keyRevokedAt: signingKeys.revokedAt,
      keyReason: signingKeys.revokedReason,
    })
    .from(accessTokens)
    .leftJoin(blacklistedTokens, eq(blacklistedTokens.jti, accessTokens.jti))
    .leftJoin(users, eq(users.id, accessTokens.userId))
    .leftJoin(sessions, eq(sessions.id, accessTokens.sessionId))
    .leftJoin(signingKeys, eq(signingKeys.kid, accessTokens.kid))
    .where(and(isNotNull(accessTokens.statusListId), gt(accessTokens.expiresAt, now), where))
    .orderBy(asc(accessTokens.statusListId), asc(accessTokens.statusIdx))
    .$dynamic();
  const rows = await (filter.list ? query.limit(filter.list.limit) : query);
  return rows.flatMap((row) => {
    if (row.listId === null || row.idx === null) return [];
    const facts: RevocationFacts = {};
    if (row.jtiListed !== null) facts.jti = { untilMs: row.jtiUntilMs ?? 0, reason: row.jtiReason };
    if (row.userCutoffMs !== null) facts.user = { cutoffMs: row.userCutoffMs, reason: row.userReason };
    if (row.sessionCutoffMs !== null) {
      const untilMs = row.sessionUntilMs ?? 0;
      facts.session = { cutoffMs: row.sessionCutoffMs, untilMs, reason: row.sessionReason };
    }
    if (row.keyRevokedAt !== null) facts.key = { reason: row.keyReason };
    return [{ listId: row.listId, idx: row.idx, issuedAtMs: row.issuedAtMs ?? 0, facts }];
  });
}
