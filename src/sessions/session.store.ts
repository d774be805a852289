import type { AuthMethod, Authentication } from '../auth/authentication';
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/database';
import { retiredRefreshTokens, sessions, type SessionRow } from '../db/schema';

export async function insertSession(
  db: Database,
  values: {
    userId: string;
    refreshTokenHash: string;
    createdAt: Date;
    expiresAt: Date;
    userAgent: string | null;
    ipAddress: string | null;
    authTime: Date;
    amr: AuthMethod[];
  },
): Promise<SessionRow> {
  const [row] = await db.insert(sessions).values(values).returning();
  if (!row) throw new Error('insert into sessions returned no row');
  return row;
}

/** A rotation's new refresh token; with `authentication`, the person proved who they are again (step-up). */
export interface Rotation {
  refreshTokenHash: string;
  now: Date;
  expiresAt: Date;
  authentication?: Authentication;
}

/**
 * Swaps the session's current refresh token for a new one in a single conditional UPDATE:
 * of two concurrent refreshes with the same token, exactly one finds it still current.
 */
export async function claimRefreshToken(
  db: Database,
  presentedHash: string,
  next: Rotation,
): Promise<SessionRow | undefined> {
  const { authentication } = next;
  const [row] = await db
    .update(sessions)
    .set({
      refreshTokenHash: next.refreshTokenHash,
      generation: sql`${sessions.generation} + 1`,
      rotatedAt: next.now,
      expiresAt: next.expiresAt,
      ...(authentication ? { authTime: authentication.at, amr: [...authentication.methods] } : {}),
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
  next: Rotation,
): Promise<SessionRow | undefined> {
  const [current] = await db
    .select({ refreshTokenHash: sessions.refreshTokenHash })
    .from(sessions)
    .where(eq(sessions.id, sessionId))
    .for('update');
  return current && claimRefreshToken(db, current.refreshTokenHash, next);
}

/** A step-up: when and how the session's user last proved who they are. */
export async function setSessionAuthentication(
  db: Database,
  sessionId: string,
  authentication: { authTime: Date; amr: AuthMethod[] },
): Promise<SessionRow | undefined> {
  const [row] = await db.update(sessions).set(authentication).where(eq(sessions.id, sessionId)).returning();
  return row;
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
