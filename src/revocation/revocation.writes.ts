import type { AuditAction } from '../audit/audit-action';
import { recordAudit } from '../audit/audit.store';
import type { Database } from '../db/client';
import type { BlacklistedTokenRow } from '../db/schema';
import { endSessions, liveAccessTokensOfSession } from '../sessions/session.store';
import { raiseTokensValidAfter } from '../users/user.store';
import { insertBlacklistEntries } from './revocation.store';

/**
 * The writes that revoke, each meant to run inside the caller's transaction so that the
 * revocation and its audit event commit together or not at all.
 */

export interface RevocationCause {
  now: Date;
  actorId: string | null;
  reason: string;
}

/** Ends one session and blacklists every access token it issued that is still alive. */
export async function revokeSession(
  tx: Database,
  session: { userId: string; sessionId: string },
  cause: RevocationCause,
): Promise<BlacklistedTokenRow[]> {
  await endSessions(tx, session, { at: cause.now, reason: cause.reason });
  const live = await liveAccessTokensOfSession(tx, session.sessionId, cause.now);
  return insertBlacklistEntries(
    tx,
    live.map((token) => ({
      jti: token.jti,
      userId: token.userId,
      sessionId: token.sessionId,
      reason: cause.reason,
      revokedBy: cause.actorId,
      expiresAt: token.expiresAt,
    })),
    cause.now,
  );
}

/** Revokes every token the user holds now, by cutoff, and ends all their sessions. */
export async function revokeAllOfUser(
  tx: Database,
  userId: string,
  cause: RevocationCause,
  action: AuditAction,
): Promise<{ cutoff: Date; sessionsEnded: number }> {
  const cutoff = await raiseTokensValidAfter(tx, userId, cause.now, cause.reason);
  if (!cutoff) throw new Error(`user ${userId} vanished while being revoked`);
  const ended = await endSessions(tx, { userId }, { at: cause.now, reason: cause.reason });
  await recordAudit(tx, { at: cause.now, action, actorId: cause.actorId, targetUserId: userId, reason: cause.reason });
  return { cutoff, sessionsEnded: ended.length };
}

export async function auditTokenRevocations(
  tx: Database,
  rows: BlacklistedTokenRow[],
  action: AuditAction,
): Promise<void> {
  await recordAudit(
    tx,
    ...rows.map((row) => ({
      at: row.createdAt,
      action,
      actorId: row.revokedBy,
      targetUserId: row.userId,
      targetJti: row.jti,
      reason: row.reason,
    })),
  );
}
