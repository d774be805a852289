import { and, eq, isNotNull, isNull, max, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/database';
import { accessTokens, sessions, signingKeys, users } from '../db/schema';

/**
 * The revocation facts kept on other domains' rows: a session's end and cutoff, a user's cutoff,
 * a signing key's revocation. Revocation owns these columns; every write to them goes through here
 * (key revocation writes its own, through the revoking transaction) so the mirror can trust them.
 */

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

/** Moves the user's cutoff to `cutoff`, never backwards, and returns the cutoff now in force. */
export async function raiseTokensValidAfter(
  db: Database,
  id: string,
  cutoff: Date,
  reason: string,
): Promise<Date | undefined> {
  const [row] = await db
    .update(users)
    .set({
      tokensValidAfter: sql`greatest(${users.tokensValidAfter}, ${cutoff.toISOString()}::timestamptz)`,
      tokensRevokedReason: reason,
    })
    .where(eq(users.id, id))
    .returning({ tokensValidAfter: users.tokensValidAfter });
  return row?.tokensValidAfter ?? undefined;
}

export function listRevokedSigningKeys(
  db: Database,
): Promise<Array<{ kid: string; revokedAt: Date | null; reason: string | null }>> {
  return db
    .select({ kid: signingKeys.kid, revokedAt: signingKeys.revokedAt, reason: signingKeys.revokedReason })
    .from(signingKeys)
    .where(isNotNull(signingKeys.revokedAt));
}
