import { AuditAction } from '../audit/audit-action';
import { recordAudit } from '../audit/audit.store';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../auth/passwords';
import { Role } from '../auth/role';
import type { IssuedAccessToken, TokenService } from '../auth/tokens';
import type { Clock } from '../clock';
import type { Database } from '../db/client';
import { isUniqueViolation } from '../db/errors';
import type { BlacklistedTokenRow, UserRow } from '../db/schema';
import { AppError, badUserInput, ErrorCode, forbidden, unauthenticated } from '../errors';
import { findBlacklistEntry } from '../revocation/revocation.store';
import type { RevocationWriter, RevokingTx } from '../revocation/revocation.feed';
import { auditTokenRevocations, revokeAllOfUser, revokeSession } from '../revocation/revocation.writes';
import { checkPasswordShape, MAX_PASSWORD_LENGTH, normalizeEmail } from '../users/credentials';
import { findUserByEmail, findUserById, insertUser, lockUserForSession } from '../users/user.store';
import type { LoginThrottle } from './login-throttle';
import { hashRefreshToken, isWellFormedRefreshToken, newRefreshToken } from './refresh-token';
import {
  claimRefreshToken,
  findRetiredRefreshToken,
  findSessionByRefreshHash,
  insertAccessToken,
  insertSession,
} from './session.store';

export interface SessionTokens {
  access: IssuedAccessToken;
  refreshToken: string;
  /** When the refresh token lapses unless it is rotated first. */
  refreshExpiresAt: Date;
  user: UserRow;
}

export interface SessionPolicy {
  refreshTokenTtlSeconds: number;
  refreshReuseGraceSeconds: number;
}

/** The identity of a verified access token, as the resolvers see it. */
export interface SessionRef {
  userId: string;
  sessionId: string;
  jti: string;
}

const refreshError = (
  code: typeof ErrorCode.INVALID_TOKEN | typeof ErrorCode.TOKEN_EXPIRED | typeof ErrorCode.TOKEN_REVOKED,
  message: string,
  extensions: { superseded?: true; reason?: string | null } = {},
) => new AppError(code, message, extensions);

/** The refresh token of an ended session, with why it was ended, as a revoked access token carries it. */
const sessionEnded = (reason: string | null) =>
  refreshError(ErrorCode.TOKEN_REVOKED, 'The session has been ended.', { reason });

/** A refresh token rotated away within the grace window: a newer one exists, and the session lives on. */
export function isSupersededRefresh(error: unknown): boolean {
  return error instanceof AppError && error.extensions.superseded === true;
}

type RefreshOutcome = { ok: true; tokens: SessionTokens } | { ok: false; error: AppError };

export class SessionService {
  constructor(
    private readonly db: Database,
    private readonly writer: RevocationWriter,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly policy: SessionPolicy,
    private readonly throttle: LoginThrottle,
  ) {}

  async register(email: string, password: string): Promise<SessionTokens> {
    const normalized = normalizeEmail(email);
    checkPasswordShape(password);
    const passwordHash = await hashPassword(password);
    try {
      return await this.db.transaction(async (tx) => {
        const now = new Date(this.clock());
        const user = await insertUser(tx, { email: normalized, passwordHash, role: Role.USER, createdAt: now });
        await recordAudit(tx, { at: now, action: AuditAction.REGISTERED, actorId: user.id, targetUserId: user.id });
        return this.startSession(tx, user, now);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw badUserInput('An account with this email already exists.');
      throw error;
    }
  }

  /**
   * Same answer, and about the same time, for an unknown email and for a wrong password. Repeated
   * failures for the email or from the client address are slowed, then refused, by the throttle.
   */
  async login(email: string, password: string, clientAddress: string): Promise<SessionTokens> {
    const normalized = normalizeEmail(email);
    if (password.length > MAX_PASSWORD_LENGTH) throw unauthenticated('Invalid email or password.');
    const attempt = await this.throttle.begin(normalized, clientAddress);
    const user = await findUserByEmail(this.db, normalized);
    const passwordOk = await verifyPassword(password, user?.passwordHash ?? (await decoyPasswordHash()));
    if (!user || !passwordOk) throw unauthenticated('Invalid email or password.');
    await attempt.succeeded();
    return this.db.transaction(async (tx) => {
      // Read again under lock: a revocation or a disabling may have landed since the password check.
      const current = await lockUserForSession(tx, user.id);
      if (!current || current.disabled) throw forbidden('This account is disabled.');
      const now = new Date(this.clock());
      await recordAudit(tx, { at: now, action: AuditAction.LOGGED_IN, actorId: user.id, targetUserId: user.id });
      return this.startSession(tx, current, now);
    });
  }

  private async startSession(tx: Database, user: UserRow, now: Date): Promise<SessionTokens> {
    const refreshToken = newRefreshToken();
    const session = await insertSession(tx, {
      userId: user.id,
      refreshTokenHash: hashRefreshToken(refreshToken),
      createdAt: now,
      expiresAt: this.refreshExpiry(now),
    });
    const access = await this.issueAccessToken(tx, user, session.id);
    return { access, refreshToken, refreshExpiresAt: session.expiresAt, user };
  }

  private refreshExpiry(now: Date): Date {
    return new Date(now.getTime() + this.policy.refreshTokenTtlSeconds * 1000);
  }

  private async issueAccessToken(tx: Database, user: UserRow, sessionId: string): Promise<IssuedAccessToken> {
    const access = this.tokens.signAccessToken({ userId: user.id, role: user.role, sessionId }, user.tokensValidAfter);
    await insertAccessToken(tx, {
      jti: access.jti,
      sessionId,
      userId: user.id,
      issuedAt: access.issuedAt,
      expiresAt: access.expiresAt,
    });
    return access;
  }

  /**
   * Rotates the refresh token. A token that was already rotated away is reuse: past the grace
   * window the whole session is revoked, because one of the two holders is not its owner.
   */
  async refresh(refreshToken: string): Promise<SessionTokens> {
    if (!isWellFormedRefreshToken(refreshToken))
      throw refreshError(ErrorCode.INVALID_TOKEN, 'The refresh token is not valid.');
    const presentedHash = hashRefreshToken(refreshToken);
    const outcome = await this.writer.run((tx) => this.rotate(tx, presentedHash));
    // Thrown after the commit, so that a reuse revocation is kept although the request fails.
    if (!outcome.ok) throw outcome.error;
    return outcome.tokens;
  }

  private async rotate(revoking: RevokingTx, presentedHash: string): Promise<RefreshOutcome> {
    const tx = revoking.db;
    const now = new Date(this.clock());
    const nextToken = newRefreshToken();
    const claimed = await claimRefreshToken(tx, presentedHash, {
      refreshTokenHash: hashRefreshToken(nextToken),
      now,
      expiresAt: this.refreshExpiry(now),
    });
    if (claimed) {
      const user = await findUserById(tx, claimed.userId);
      if (!user) throw new Error(`session ${claimed.id} has no user`);
      if (user.disabled) return { ok: false, error: forbidden('This account is disabled.') };
      const access = await this.issueAccessToken(tx, user, claimed.id);
      return { ok: true, tokens: { access, refreshToken: nextToken, refreshExpiresAt: claimed.expiresAt, user } };
    }

    const current = await findSessionByRefreshHash(tx, presentedHash);
    if (current) {
      return current.revokedAt
        ? { ok: false, error: sessionEnded(current.revokedReason) }
        : { ok: false, error: refreshError(ErrorCode.TOKEN_EXPIRED, 'The refresh token has expired.') };
    }
    const retired = await findRetiredRefreshToken(tx, presentedHash);
    if (!retired) return { ok: false, error: refreshError(ErrorCode.INVALID_TOKEN, 'The refresh token is not valid.') };
    if (retired.session.revokedAt) {
      return { ok: false, error: sessionEnded(retired.session.revokedReason) };
    }
    const sinceRetired = now.getTime() - retired.retiredAt.getTime();
    if (sinceRetired <= this.policy.refreshReuseGraceSeconds * 1000) {
      return {
        ok: false,
        error: refreshError(ErrorCode.INVALID_TOKEN, 'The refresh token was just rotated; use the newest one.', {
          superseded: true,
        }),
      };
    }
    const reason = 'refresh token reuse detected';
    const revoked = await revokeSession(
      revoking,
      { userId: retired.session.userId, sessionId: retired.session.id },
      { now, actorId: null, reason },
    );
    await recordAudit(tx, {
      at: now,
      action: AuditAction.REFRESH_TOKEN_REUSED,
      targetUserId: retired.session.userId,
      reason: `session ${retired.session.id} ended, ${revoked.length} access tokens revoked`,
    });
    return {
      ok: false,
      error: refreshError(ErrorCode.TOKEN_REVOKED, 'Refresh token reuse detected; the session has been ended.', {
        reason,
      }),
    };
  }

  /** Blacklists the caller's access token, and every other live one of its session, and ends the session. */
  async logout(ref: SessionRef): Promise<BlacklistedTokenRow> {
    return this.writer.run(async (tx) => {
      const now = new Date(this.clock());
      const revoked = await revokeSession(tx, ref, { now, actorId: ref.userId, reason: 'logged out' });
      await auditTokenRevocations(tx.db, revoked, AuditAction.LOGGED_OUT);
      const own = revoked.find((row) => row.jti === ref.jti) ?? (await findBlacklistEntry(tx.db, ref.jti));
      if (!own) throw new Error(`access token ${ref.jti} has no issue record`);
      return own;
    });
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
