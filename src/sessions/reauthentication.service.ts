import { AuditAction } from '../audit/audit-action';
import { recordAudit } from '../audit/audit.trail';
import type { AuthMethod } from '../auth/authentication';
import type { StepUpPolicy } from '../auth/step-up';
import type { Database } from '../db/database';
import type { UserRow } from '../db/schema';
import { badUserInput, ErrorCode, forbidden, unauthenticated } from '../errors';
import type { RevocationWriter } from '../revocation/revocation.feed';
import { blacklistIssuedToken } from '../revocation/revocation.writes';
import type { UserService } from '../users/user.service';
import type { LoginAttempt } from './login-throttle';
import { refreshError } from './refresh-errors';
import { hashRefreshToken, newRefreshToken } from './refresh-token';
import type { SessionRef, SessionTokenIssuer, SessionTokens, SignInOrigin } from './session-tokens';
import { rotateSessionById } from './session.store';
import { WRONG_CREDENTIALS, type SignInService } from './sign-in.service';

/**
 * Checks a one-time code of the account's second factor, in the transaction that renews the
 * session (a code spent there must not be spent again); answers the `amr` it proves, or throws.
 */
export interface SecondFactorCheck {
  /** Counts a guess against the account's code throttle, refusing when it is over; before the transaction. */
  begin(userId: string, clientAddress: string): Promise<LoginAttempt>;
  verifyCode(tx: Database, userId: string, code: string): Promise<readonly AuthMethod[]>;
}

export interface ReauthenticationProof {
  password?: string | null;
  code?: string | null;
}

/** Stepping up in place: the same session gets a fresh pair with a new `auth_time` and `amr`. */
export class ReauthenticationService {
  constructor(
    private readonly users: UserService,
    private readonly writer: RevocationWriter,
    private readonly issuer: SessionTokenIssuer,
    private readonly signIn: SignInService,
    private readonly stepUp: StepUpPolicy,
    /** Null until one-time codes exist: a `code` is refused with a clear answer. */
    private readonly codes: SecondFactorCheck | null,
  ) {}

  async reauthenticate(ref: SessionRef, proof: ReauthenticationProof, origin: SignInOrigin): Promise<SessionTokens> {
    const password = proof.password ?? null;
    const code = proof.code ?? null;
    if (password === null && code === null) {
      throw badUserInput('Pass password, or code when the account has a second factor.');
    }
    if (password !== null && code !== null) throw badUserInput('Pass password or code, not both.');
    if (code !== null) {
      const codes = this.codes;
      if (!codes) throw badUserInput('This service does not check one-time codes: reauthenticate with password.');
      if (!(await this.stepUp.hasSecondFactor(ref.userId))) {
        throw badUserInput('This account has no second factor: reauthenticate with password.');
      }
      const attempt = await codes.begin(ref.userId, origin.clientAddress);
      const renewed = await this.renew(ref, (tx) => codes.verifyCode(tx, ref.userId, code));
      await attempt.succeeded();
      return renewed;
    }
    // A password alone would give a fresh auth_time without the factor step-up asks such accounts for.
    if (await this.stepUp.hasSecondFactor(ref.userId)) {
      throw badUserInput('This account has a second factor: reauthenticate with code.');
    }
    const checked = await this.signIn.checkOwnPassword(ref.userId, password ?? '', origin, WRONG_CREDENTIALS);
    return this.renew(ref, (_tx, current) => {
      // A password change committed since the check: the old password proves nothing any more.
      if (current.passwordHash !== checked.passwordHash) throw unauthenticated(WRONG_CREDENTIALS);
      return Promise.resolve(['pwd']);
    });
  }

  /** Rotates the session's refresh token with the new authentication and blacklists the caller's token. */
  private renew(
    ref: SessionRef,
    prove: (tx: Database, current: UserRow) => Promise<readonly AuthMethod[]>,
  ): Promise<SessionTokens> {
    return this.writer.run(async (revoking): Promise<SessionTokens> => {
      const tx = revoking.db;
      const current = await this.users.lockForSession(tx, ref.userId);
      if (!current || current.disabled) throw forbidden('This account is disabled.');
      const methods = await prove(tx, current);
      const now = this.issuer.now();
      const refreshToken = newRefreshToken();
      const rotated = await rotateSessionById(tx, ref.sessionId, {
        refreshTokenHash: hashRefreshToken(refreshToken),
        now,
        expiresAt: this.issuer.refreshExpiry(now),
        authentication: { at: now, methods },
      });
      if (!rotated) throw refreshError(ErrorCode.TOKEN_REVOKED, 'The session has been ended.');
      // The old token keeps its stale auth_time until it expires: refused now, so only the new one is live.
      await blacklistIssuedToken(revoking, ref.jti, { now, actorId: ref.userId, reason: 'reauthenticated' });
      await recordAudit(tx, {
        at: now,
        action: AuditAction.REAUTHENTICATED,
        actorId: ref.userId,
        targetUserId: ref.userId,
        targetSessionId: ref.sessionId,
        targetJti: ref.jti,
        reason: `amr: ${methods.join(' ')}`,
      });
      const access = await this.issuer.issueAccessToken(tx, current, rotated);
      return { access, refreshToken, refreshExpiresAt: rotated.expiresAt, user: current };
    });
  }
}
