import { AuditAction } from '../audit/audit-action';
import { recordAudit } from '../audit/audit.store';
import type { PasswordHasher } from '../auth/passwords';
import { Role } from '../auth/role';
import type { IssuedAccessToken, TokenService } from '../auth/tokens';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { isUniqueViolation } from '../db/errors';
import type { BlacklistedTokenRow, UserRow } from '../db/schema';
import { AppError, badUserInput, ErrorCode, forbidden, unauthenticated } from '../errors';
import { findBlacklistEntry } from '../revocation/revocation.store';
import type { RevocationWriter, RevokingTx } from '../revocation/revocation.feed';
import {
  auditTokenRevocations,
  blacklistTokens,
  revokeAllOfUser,
  revokeSession,
  revokeSessions,
  toBlacklistEntries,
} from '../revocation/revocation.writes';
import { checkPasswordShape, MAX_PASSWORD_LENGTH, normalizeEmail } from '../users/credentials';
import {
  findUserByEmail,
  findUserById,
  insertUser,
  lockUserForSession,
  replacePasswordHash,
} from '../users/user.store';
import type { LoginThrottle } from './login-throttle';
import { hashRefreshToken, isWellFormedRefreshToken, newRefreshToken } from './refresh-token';
import {
  claimRefreshToken,
  findAccessToken,
  findRetiredRefreshToken,
  findSessionByRefreshHash,
  insertAccessToken,
  insertSession,
  rotateSessionById,
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

/** Where a sign-in came from, kept with its session. Read lazily: a request record fits. */
export interface SignInOrigin {
  readonly clientAddress: string;
  readonly userAgent: string | null;
}

export const MAX_USER_AGENT_LENGTH = 200;

const WRONG_CREDENTIALS = 'Invalid email or password.';
const WRONG_CURRENT_PASSWORD = 'The current password is not correct.';

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
    private readonly passwords: PasswordHasher,
  ) {}

  async register(email: string, password: string, origin: SignInOrigin): Promise<SessionTokens> {
    const normalized = normalizeEmail(email);
    checkPasswordShape(password);
    const passwordHash = await this.passwords.hash(password);
    try {
      return await this.db.transaction(async (tx) => {
        const now = new Date(this.clock());
        const user = await insertUser(tx, { email: normalized, passwordHash, role: Role.USER, createdAt: now });
        await recordAudit(tx, { at: now, action: AuditAction.REGISTERED, actorId: user.id, targetUserId: user.id });
        return this.startSession(tx, user, now, origin);
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
  async login(email: string, password: string, origin: SignInOrigin): Promise<SessionTokens> {
    const normalized = normalizeEmail(email);
    const user = await this.checkPassword(normalized, password, origin.clientAddress, WRONG_CREDENTIALS, () =>
      findUserByEmail(this.db, normalized),
    );
    return this.db.transaction(async (tx) => {
      // Read again under lock: a revocation or a disabling may have landed since the password check.
      const current = await lockUserForSession(tx, user.id);
      if (!current || current.disabled) throw forbidden('This account is disabled.');
      // A password change committed since the check: the old password must not open a session.
      if (current.passwordHash !== user.passwordHash) throw unauthenticated(WRONG_CREDENTIALS);
      const now = new Date(this.clock());
      await recordAudit(tx, { at: now, action: AuditAction.LOGGED_IN, actorId: user.id, targetUserId: user.id });
      return this.startSession(tx, current, now, origin);
    });
  }

  /**
   * The throttled, constant-time password check of a sign-in: the same answer, and about the same
   * time, for an unknown account and for a wrong password.
   */
  private async checkPassword(
    email: string,
    password: string,
    clientAddress: string,
    wrong: string,
    findUser: () => Promise<UserRow | undefined>,
  ): Promise<UserRow> {
    if (password.length > MAX_PASSWORD_LENGTH) throw unauthenticated(wrong);
    const attempt = await this.throttle.begin(email, clientAddress);
    const user = await findUser();
    const passwordOk = await this.passwords.verify(password, user?.passwordHash ?? (await this.passwords.decoyHash()));
    if (!user || !passwordOk) throw unauthenticated(wrong);
    await attempt.succeeded();
    return user;
  }

  /**
   * Checks the current password as a login does, stores the new one, ends every other session of
   * the user and gives the calling session a fresh pair; its old access token is blacklisted.
   */
  async changePassword(
    ref: SessionRef,
    passwords: { current: string; next: string },
    origin: SignInOrigin,
  ): Promise<SessionTokens> {
    checkPasswordShape(passwords.next);
    if (passwords.next === passwords.current) throw badUserInput('The new password must differ from the current one.');
    const known = await findUserById(this.db, ref.userId);
    const user = await this.checkPassword(
      known?.email ?? '',
      passwords.current,
      origin.clientAddress,
      WRONG_CURRENT_PASSWORD,
      () => Promise.resolve(known),
    );
    const passwordHash = await this.passwords.hash(passwords.next);
    // Thrown errors roll the whole change back: no new password without the sessions it ends.
    return this.writer.run(async (revoking): Promise<SessionTokens> => {
      const tx = revoking.db;
      const now = new Date(this.clock());
      // Compared with the hash just checked: of two changes racing, the second is refused.
      if (!(await replacePasswordHash(tx, user.id, user.passwordHash, passwordHash))) {
        throw unauthenticated(WRONG_CURRENT_PASSWORD);
      }
      const cause = { now, actorId: user.id, reason: 'password changed' };
      const ended = await revokeSessions(revoking, { userId: user.id, exceptSessionId: ref.sessionId }, cause);
      const nextToken = newRefreshToken();
      const rotated = await rotateSessionById(tx, ref.sessionId, {
        refreshTokenHash: hashRefreshToken(nextToken),
        now,
        expiresAt: this.refreshExpiry(now),
      });
      if (!rotated) throw refreshError(ErrorCode.TOKEN_REVOKED, 'The session has been ended.');
      const own = await findAccessToken(tx, ref.jti);
      if (own) await blacklistTokens(revoking, toBlacklistEntries([own], cause), now);
      await recordAudit(tx, {
        at: now,
        action: AuditAction.PASSWORD_CHANGED,
        actorId: user.id,
        targetUserId: user.id,
        targetSessionId: ref.sessionId,
        reason: `${ended.length} other sessions ended`,
      });
      const current = (await findUserById(tx, user.id)) ?? user;
      const access = await this.issueAccessToken(tx, current, ref.sessionId);
      return { access, refreshToken: nextToken, refreshExpiresAt: rotated.expiresAt, user: current };
    });
  }

  private async startSession(tx: Database, user: UserRow, now: Date, origin: SignInOrigin): Promise<SessionTokens> {
    const refreshToken = newRefreshToken();
    const session = await insertSession(tx, {
      userId: user.id,
      refreshTokenHash: hashRefreshToken(refreshToken),
      createdAt: now,
      expiresAt: this.refreshExpiry(now),
      userAgent: origin.userAgent ? origin.userAgent.slice(0, MAX_USER_AGENT_LENGTH) : null,
      ipAddress: origin.clientAddress,
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
    await revokeSession(
      revoking,
      { userId: retired.session.userId, sessionId: retired.session.id },
      { now, actorId: null, reason },
    );
    await recordAudit(tx, {
      at: now,
      action: AuditAction.REFRESH_TOKEN_REUSED,
      targetUserId: retired.session.userId,
      targetSessionId: retired.session.id,
      reason: `session ${retired.session.id} ended, its access tokens revoked`,
    });
    return {
      ok: false,
      error: refreshError(ErrorCode.TOKEN_REVOKED, 'Refresh token reuse detected; the session has been ended.', {
        reason,
      }),
    };
  }

  /**
   * Ends the caller's session, which refuses every access token it issued, and blacklists the
   * caller's own token so that the answer names it.
   */
  async logout(ref: SessionRef): Promise<BlacklistedTokenRow> {
    return this.writer.run(async (tx) => {
      const cause = { now: new Date(this.clock()), actorId: ref.userId, reason: 'logged out' };
      await revokeSession(tx, ref, cause);
      const issued = await findAccessToken(tx.db, ref.jti);
      if (!issued) throw new Error(`access token ${ref.jti} has no issue record`);
      const revoked = await blacklistTokens(tx, toBlacklistEntries([issued], cause), cause.now);
      await auditTokenRevocations(tx.db, revoked, AuditAction.LOGGED_OUT);
      const own = revoked[0] ?? (await findBlacklistEntry(tx.db, ref.jti));
      if (!own) throw new Error(`access token ${ref.jti} was not blacklisted`);
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
