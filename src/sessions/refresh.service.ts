import { AuditAction } from '../audit/audit-action';
import { recordAudit } from '../audit/audit.trail';
import { ErrorCode, forbidden, type AppError } from '../errors';
import type { RevocationWriter, RevokingTx } from '../revocation/revocation.feed';
import { revokeSession } from '../revocation/revocation.writes';
import type { UserService } from '../users/user.service';
import { refreshError, sessionEnded } from './refresh-errors';
import { hashRefreshToken, isWellFormedRefreshToken, newRefreshToken } from './refresh-token';
import type { SessionTokenIssuer, SessionTokens } from './session-tokens';
import { claimRefreshToken, findRetiredRefreshToken, findSessionByRefreshHash } from './session.store';

type RefreshOutcome = { ok: true; tokens: SessionTokens } | { ok: false; error: AppError };

/** Rotating refresh tokens, and catching a rotated-away token used again. */
export class RefreshService {
  constructor(
    private readonly users: UserService,
    private readonly writer: RevocationWriter,
    private readonly issuer: SessionTokenIssuer,
  ) {}

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
    const now = this.issuer.now();
    const nextToken = newRefreshToken();
    const claimed = await claimRefreshToken(tx, presentedHash, {
      refreshTokenHash: hashRefreshToken(nextToken),
      now,
      expiresAt: this.issuer.refreshExpiry(now),
    });
    if (claimed) {
      const user = await this.users.findById(claimed.userId, tx);
      if (!user) throw new Error(`session ${claimed.id} has no user`);
      if (user.disabled) return { ok: false, error: forbidden('This account is disabled.') };
      const access = await this.issuer.issueAccessToken(tx, user, claimed);
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
    if (sinceRetired <= this.issuer.reuseGraceMs) {
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
}
