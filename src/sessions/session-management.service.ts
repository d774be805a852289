import { AuditAction } from '../audit/audit-action';
import { recordAudit } from '../audit/audit.trail';
import { Role } from '../auth/role';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import type { BlacklistedTokenRow, SessionRow } from '../db/schema';
import { badUserInput, notFound } from '../errors';
import { checkUserId, isUuid } from '../ids';
import type { RevocationWriter } from '../revocation/revocation.feed';
import { normalizeReason } from '../revocation/revocation.limits';
import { revokeAllOfUser, revokeOwnSession, revokeSession } from '../revocation/revocation.writes';
import type { UserService } from '../users/user.service';
import { hashRefreshToken, isWellFormedRefreshToken } from './refresh-token';
import type { SessionRef } from './session-tokens';
import { findSession, findSessionByRefreshHash, listLiveSessions } from './session.store';

/** Who asks: a signed-in user, or the operator at the admin CLI (null). */
export type SessionActor = { userId: string; role: Role } | null;

/** Seeing one's sessions and ending them, signing out included; administrators may do both for anyone. */
export class SessionManagementService {
  constructor(
    private readonly db: Database,
    private readonly users: UserService,
    private readonly writer: RevocationWriter,
    private readonly clock: Clock,
  ) {}

  /** Sessions neither ended nor lapsed, newest first. */
  async liveSessionsOf(userId: string): Promise<SessionRow[]> {
    if (!(await this.users.findById(checkUserId(userId, 'userId')))) throw notFound(`No user with id ${userId}.`);
    return listLiveSessions(this.db, userId, new Date(this.clock()));
  }

  /**
   * Ends one session: its refresh token stops working and its access tokens are refused on every
   * instance. Revoking an ended session changes nothing and answers it as it is.
   */
  async revoke(id: string, reason: string | null | undefined, actor: SessionActor): Promise<SessionRow> {
    if (!isUuid(id)) throw badUserInput('id is not a valid session id');
    const session = await findSession(this.db, id);
    // Someone else's session answers as a missing one, so that nothing tells that it exists.
    const mayRevoke = session && (actor === null || actor.role === Role.ADMIN || actor.userId === session.userId);
    if (!session || !mayRevoke) throw notFound(`No session with id ${id}.`);
    const own = actor !== null && actor.userId === session.userId;
    const why = normalizeReason(
      reason,
      own ? 'signed out from another session' : 'session revoked by an administrator',
    );
    if (session.revokedAt) return session;
    return this.writer.run(async (tx) => {
      const now = new Date(this.clock());
      const cause = { now, actorId: actor?.userId ?? null, reason: why };
      if (await revokeSession(tx, { userId: session.userId, sessionId: id }, cause)) {
        await recordAudit(tx.db, {
          at: now,
          action: AuditAction.SESSION_REVOKED,
          actorId: cause.actorId,
          targetUserId: session.userId,
          targetSessionId: id,
          reason: why,
        });
      }
      return (await findSession(tx.db, id)) ?? session;
    });
  }

  /** Ends the session whose current refresh token this is; false when it names none. */
  async revokeByRefreshToken(refreshToken: string, reason: string): Promise<boolean> {
    if (!isWellFormedRefreshToken(refreshToken)) return false;
    const session = await findSessionByRefreshHash(this.db, hashRefreshToken(refreshToken));
    if (!session) return false;
    await this.revoke(session.id, reason, null);
    return true;
  }

  /**
   * Ends the caller's session, which refuses every access token it issued, and blacklists the
   * caller's own token so that the answer names it.
   */
  async logout(ref: SessionRef): Promise<BlacklistedTokenRow> {
    return this.writer.run((tx) =>
      revokeOwnSession(
        tx,
        ref,
        { now: new Date(this.clock()), actorId: ref.userId, reason: 'logged out' },
        AuditAction.LOGGED_OUT,
      ),
    );
  }

  /** Revokes every token of the caller; returns how many sessions it ended. */
  async logoutAll(userId: string): Promise<number> {
    const now = new Date(this.clock());
    const { sessionsEnded } = await this.writer.run((tx) =>
      revokeAllOfUser(
        tx,
        userId,
        { now, actorId: userId, reason: 'logged out everywhere' },
        AuditAction.LOGGED_OUT_EVERYWHERE,
      ),
    );
    return sessionsEnded;
  }
}
