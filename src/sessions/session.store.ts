import { and, desc, eq, gt, inArray, isNull, max, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/database';
import { accessTokens, retiredRefreshTokens, sessions, type AccessTokenRow, type SessionRow } from '../db/schema';

export async function insertSession(
  db: Database,
  values: {
    userId: string;
    refreshTokenHash: string;
    createdAt: Date;
    expiresAt: Date;
    userAgent: string | null;
    ipAddress: string | null;
  },
): Promise<SessionRow> {
  const [row] = await db.insert(sessions).values(values).returning();
  if (!row) throw new Error('insert into sessions returned no row');
  return row;
}

/**
 * Swaps the session's current refresh token for a new one in a single conditional UPDATE:
 * of two concurrent refreshes with the same token, exactly one finds it still current.
 */
export async function claimRefreshToken(
  db: Database,
  presentedHash: string,
  next: { refreshTokenHash: string; now: Date; expiresAt: Date },
): Promise<SessionRow | undefined> {
  const [row] = await db
    .update(sessions)
    .set({
      refreshTokenHash: next.refreshTokenHash,
      generation: sql`${sessions.generation} + 1`,
      rotatedAt: next.now,
      expiresAt: next.expiresAt,
    })
    .where(
      and(eq(sessions.refreshTokenHash, presentedHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, next.now)),
    )
    .returning();
  if (row) {
    await db.insert(retiredRefreshTokens).values({ tokenHash: presentedHash, sessionId: row.id, retiredAt: next.now });
  }
  return row;
}

/** `claimRefreshToken` for the session with this id, whatever its current refresh token. */
export async function rotateSessionById(
  db: Database,
  sessionId: string,
  next: { refreshTokenHash: string; now: Date; expiresAt: Date },
): Promise<SessionRow | undefined> {
  const [current] = await db
    .select({ refreshTokenHash: sessions.refreshTokenHash })
    .from(sessions)
    .where(eq(sessions.id, sessionId))
    .for('update');
  return current && claimRefreshToken(db, current.refreshTokenHash, next);
}

export async function findSessionByRefreshHash(db: Database, hash: string): Promise<SessionRow | undefined> {
  const [row] = await db.select().from(sessions).where(eq(sessions.refreshTokenHash, hash));
  return row;
}

export async function findRetiredRefreshToken(
  db: Database,
  hash: string,
): Promise<{ retiredAt: Date; session: SessionRow } | undefined> {
  const [row] = await db
    .select({ retiredAt: retiredRefreshTokens.retiredAt, session: sessions })
    .from(retiredRefreshTokens)
    .innerJoin(sessions, eq(sessions.id, retiredRefreshTokens.sessionId))
    .where(eq(retiredRefreshTokens.tokenHash, hash));
  return row;
}

/**
 * Ends the given sessions (all of a user's when `sessionId` is omitted, but for `exceptSessionId`);
 * returns the ids it ended.
 */
export async function endSessions(
  db: Database,
  filter: { userId: string; sessionId?: string; exceptSessionId?: string },
  ended: { at: Date; reason: string },
): Promise<string[]> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: ended.at, revokedReason: ended.reason })
    .where(
      and(
        eq(sessions.userId, filter.userId),
        filter.sessionId === undefined ? undefined : eq(sessions.id, filter.sessionId),
        filter.exceptSessionId === undefined ? undefined : ne(sessions.id, filter.exceptSessionId),
        isNull(sessions.revokedAt),
      ),
    )
    .returning({ id: sessions.id });
  return rows.map((row) => row.id);
}

export async function insertAccessToken(db: Database, values: AccessTokenRow): Promise<void> {
  await db.insert(accessTokens).values(values);
}

export async function findAccessToken(db: Database, jti: string): Promise<AccessTokenRow | undefined> {
  const [row] = await db.select().from(accessTokens).where(eq(accessTokens.jti, jti));
  return row;
}

/** Access tokens of these sessions issued after `after` and still alive at `now`. */
export async function accessTokensIssuedAfter(
  db: Database,
  sessionIds: string[],
  after: Date,
  now: Date,
): Promise<AccessTokenRow[]> {
  if (sessionIds.length === 0) return [];
  return db
    .select()
    .from(accessTokens)
    .where(
      and(
        inArray(accessTokens.sessionId, sessionIds),
        gt(accessTokens.issuedAt, after),
        gt(accessTokens.expiresAt, now),
      ),
    );
}

/**
 * Sets the cutoff of an ended session: every access token it issued is refused until the last
 * one expires. Read after the session row is locked by ending it, so a refresh that held the row
 * first has committed its token, and the cutoff covers it even when that token's iat is ahead of `now`.
 */
export async function cutSessionTokens(
  db: Database,
  sessionId: string,
  now: Date,
): Promise<{ cutoff: Date; until: Date }> {
  const [latest] = await db
    .select({ issuedAt: max(accessTokens.issuedAt), expiresAt: max(accessTokens.expiresAt) })
    .from(accessTokens)
    .where(eq(accessTokens.sessionId, sessionId));
  const later = (a: Date, b: Date | null | undefined) => (b && b > a ? b : a);
  const cutoff = later(now, latest?.issuedAt);
  const until = later(now, latest?.expiresAt);
  await db.update(sessions).set({ tokensValidAfter: cutoff, cutoffExpiresAt: until }).where(eq(sessions.id, sessionId));
  return { cutoff, until };
}

export async function findSession(db: Database, id: string): Promise<SessionRow | undefined> {
  const [row] = await db.select().from(sessions).where(eq(sessions.id, id));
  return row;
}

/** The user's sessions neither ended nor past their refresh expiry, newest first. */
export async function listLiveSessions(db: Database, userId: string, now: Date): Promise<SessionRow[]> {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.createdAt), desc(sessions.id));
}
