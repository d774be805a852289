import { AuditAction } from '../../audit/audit-action';
import { recordAudit, type AuditEntry } from '../../audit/audit.trail';
import type { AuthMethod } from '../../auth/authentication';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import type { UserRow } from '../../db/schema';
import { forbidden, invalidCode, invalidMfaToken } from '../../errors';
import type { LoginAttempt, LoginThrottle } from '../../sessions/login-throttle';
import type { SecondFactorCheck } from '../../sessions/reauthentication.service';
import type { SecondFactorChallenge, SecondFactorHooks } from '../../sessions/sign-in.service';
import type { SessionTokens, SignInOrigin } from '../../sessions/session-tokens';
import type { SignInStarter } from '../../sessions/sign-in.starter';
import type { UserService } from '../../users/user.service';
import { hashAccountToken, isWellFormedAccountToken, newAccountToken } from '../account-token';
import { findLiveAccountToken, insertAccountToken, spendAccountToken } from '../account-token.store';
import { acceptSecondFactorCode, type AcceptedCode } from './second-factor-code';
import { secondFactorsOf } from './second-factors';

/** Long enough to open an authenticator app or find a recovery code, short enough to be worthless later. */
export const MFA_TOKEN_TTL_MS = 5 * 60_000;

/**
 * RFC 8176: a TOTP code is `otp`; a recovery code has no value of its own, so it counts as a
 * second factor (`mfa`) without naming a method.
 */
const AMR: Record<AcceptedCode, AuthMethod[]> = {
  totp: ['pwd', 'otp', 'mfa'],
  recovery_code: ['pwd', 'mfa'],
};

/** Stepping up with a code alone proves that factor, not the password: a recovery code counts as a one-time code. */
const STEP_UP_AMR: Record<AcceptedCode, AuthMethod[]> = {
  totp: ['otp'],
  recovery_code: ['otp'],
};

/** The second half of a sign-in on an account with a second factor, and a code that steps a session up. */
export class MfaSignInService implements SecondFactorHooks, SecondFactorCheck {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly starter: SignInStarter,
    private readonly throttle: LoginThrottle,
    private readonly kek: Buffer,
  ) {}

  /** Stored as a hash in the account tokens, so that any instance can finish the sign-in. */
  async challenge(tx: Database, user: UserRow, now: Date): Promise<SecondFactorChallenge | null> {
    const methods = await secondFactorsOf(tx, user.id);
    if (methods.length === 0) return null;
    const mfaToken = newAccountToken();
    await insertAccountToken(tx, {
      userId: user.id,
      purpose: 'mfa_sign_in',
      tokenHash: hashAccountToken(mfaToken),
      email: user.email,
      createdAt: now,
      expiresAt: new Date(now.getTime() + MFA_TOKEN_TTL_MS),
    });
    return { mfaToken, methods };
  }

  begin(userId: string, clientAddress: string): Promise<LoginAttempt> {
    return this.throttle.begin(userId, clientAddress);
  }

  /** A code of the signed-in user's second factor, stepping up in place; throws INVALID_CODE for a wrong one. */
  async verifyCode(tx: Database, userId: string, code: string): Promise<readonly AuthMethod[]> {
    const now = this.clock();
    const accepted = await acceptSecondFactorCode(tx, this.kek, userId, code, { nowMs: now, recoveryCodes: true });
    if (!accepted) throw invalidCode();
    if (accepted === 'recovery_code') {
      await recordAudit(tx, {
        at: new Date(now),
        action: AuditAction.RECOVERY_CODE_USED,
        actorId: userId,
        targetUserId: userId,
      });
    }
    return STEP_UP_AMR[accepted];
  }

  /**
   * Starts the session for a live mfaToken and a code of its account. A wrong code leaves the
   * token alive (the throttle bounds the guesses); the right one spends it.
   */
  async completeLogin(mfaToken: string, code: string, origin: SignInOrigin): Promise<SessionTokens> {
    if (!isWellFormedAccountToken(mfaToken)) throw invalidMfaToken();
    const tokenHash = hashAccountToken(mfaToken);
    const pending = await findLiveAccountToken(this.db, tokenHash, 'mfa_sign_in', new Date(this.clock()));
    if (!pending) throw invalidMfaToken();
    const attempt = await this.throttle.begin(pending.userId, origin.clientAddress);
    const signedIn = await this.db.transaction(async (tx) => {
      const now = new Date(this.clock());
      const user = await this.users.lockForSession(tx, pending.userId);
      // Of two completions racing with the same token, the second finds it spent.
      if (!(await spendAccountToken(tx, tokenHash, 'mfa_sign_in', now))) throw invalidMfaToken();
      if (!user || user.disabled) throw forbidden('This account is disabled.');
      const accepted = await acceptSecondFactorCode(tx, this.kek, user.id, code, {
        nowMs: now.getTime(),
        recoveryCodes: true,
      });
      // Thrown, the transaction rolls back and the token stays unspent for another try.
      if (!accepted) throw invalidCode();
      const events: AuditEntry[] = [
        { at: now, action: AuditAction.LOGGED_IN, actorId: user.id, targetUserId: user.id },
      ];
      if (accepted === 'recovery_code') {
        events.unshift({ at: now, action: AuditAction.RECOVERY_CODE_USED, actorId: user.id, targetUserId: user.id });
      }
      await recordAudit(tx, ...events);
      return this.starter.start(tx, user, now, origin, { at: now, methods: AMR[accepted] });
    });
    await attempt.succeeded();
    return this.starter.committed(signedIn);
  }
}
