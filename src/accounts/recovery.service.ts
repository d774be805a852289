import { setTimeout as pause } from 'node:timers/promises';
import { AuditAction } from '../audit/audit-action';
import { recordAudit } from '../audit/audit.trail';
import type { PasswordHasher } from '../auth/passwords';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import type { UserRow } from '../db/schema';
import { emailNotConfigured, invalidOrExpiredLink } from '../errors';
import type { RevocationWriter } from '../revocation/revocation.feed';
import { revokeAllOfUser } from '../revocation/revocation.writes';
import type { LoginThrottle } from '../sessions/login-throttle';
import { checkPasswordShape, normalizeEmail } from '../users/credentials';
import type { UserService } from '../users/user.service';
import { issueAccountLink } from './account-link';
import { hashAccountToken, isWellFormedAccountToken } from './account-token';
import {
  deleteDeadAccountTokens,
  findLiveAccountToken,
  spendAccountToken,
  spendOutstandingAccountTokens,
} from './account-token.store';
import type { MailService } from './mail/mail.service';
import { passwordChangedMail, passwordResetMail } from './mail/mail.templates';

export interface RecoveryOptions {
  passwordResetTtlSeconds: number;
  passwordResetUrl: string;
}

/**
 * A reset request answers no sooner than this after it arrived, known address or not: for a known
 * one the link and its mail are written first (a short transaction), which would otherwise tell
 * the two apart by the time they take.
 */
export const RESET_REQUEST_ANSWER_MS = 250;

/** Why every token of the user is refused after a reset, as a client whose token it revokes sees it. */
export const PASSWORD_RESET_REASON = 'password reset';

/** Getting back into an account by proving one reads its mail. */
export class RecoveryService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly writer: RevocationWriter,
    private readonly mail: MailService,
    private readonly throttle: LoginThrottle,
    private readonly passwords: PasswordHasher,
    private readonly options: RecoveryOptions,
  ) {}

  /**
   * Mails a reset link to an enabled account with this address. The answer, and the time it
   * takes, is the same whether or not there is one: the mail leaves later, from the outbox.
   */
  async requestPasswordReset(email: string, clientAddress: string): Promise<true> {
    if (!this.mail.available) throw emailNotConfigured();
    const answerAt = pause(RESET_REQUEST_ANSWER_MS);
    const normalized = normalizeEmail(email);
    // Counted before the lookup, for every address alike: the throttle reveals nothing either.
    await this.throttle.begin(normalized, clientAddress);
    const user = await this.users.findByEmail(normalized);
    if (user && !user.disabled) await this.mailResetLink(user);
    await answerAt;
    return true;
  }

  private async mailResetLink(user: UserRow): Promise<void> {
    await this.db.transaction(async (tx) => {
      const now = new Date(this.clock());
      const link = await issueAccountLink(tx, {
        userId: user.id,
        purpose: 'password_reset',
        email: user.email,
        now,
        ttlSeconds: this.options.passwordResetTtlSeconds,
        pageUrl: this.options.passwordResetUrl,
      });
      await this.mail.enqueue(tx, passwordResetMail(user.email, link, this.options.passwordResetTtlSeconds / 60));
      await recordAudit(tx, {
        at: now,
        action: AuditAction.PASSWORD_RESET_REQUESTED,
        actorId: null,
        targetUserId: user.id,
      });
    });
    this.mail.committed();
  }

  /**
   * Sets a new password with a reset link's token and ends everything the old one opened: every
   * session, every access token (one user cutoff, propagated like any revocation, so sockets,
   * verifiers and status lists see it), and every other reset link. A reset happens because
   * someone else may have the password.
   */
  async resetPassword(token: string, newPassword: string): Promise<true> {
    if (!this.mail.available) throw emailNotConfigured();
    if (!isWellFormedAccountToken(token)) throw invalidOrExpiredLink();
    const tokenHash = hashAccountToken(token);
    const live = await findLiveAccountToken(this.db, tokenHash, 'password_reset', new Date(this.clock()));
    if (!live) throw invalidOrExpiredLink();
    // Checked before the token is spent: a password the rules refuse leaves the link usable.
    checkPasswordShape(newPassword);
    const passwordHash = await this.passwords.hash(newPassword);
    await this.writer.run(async (revoking) => {
      const tx = revoking.db;
      const user = await this.users.lockForChange(tx, live.userId);
      if (!user || user.disabled) throw invalidOrExpiredLink();
      const now = new Date(this.clock());
      // Of two resets racing with one token, the second finds it spent here.
      if (!(await spendAccountToken(tx, tokenHash, 'password_reset', now))) throw invalidOrExpiredLink();
      await this.spendResetLinks(tx, user.id, now);
      await this.users.replacePasswordHash(tx, user.id, user.passwordHash, passwordHash);
      const cause = { now, actorId: user.id, reason: PASSWORD_RESET_REASON };
      await revokeAllOfUser(revoking, user.id, cause, AuditAction.PASSWORD_RESET);
      await this.mail.enqueue(tx, passwordChangedMail(user.email, 'reset'));
    });
    this.mail.committed();
    return true;
  }

  /** Deletes links that can no longer open anything; spent ones a day after, for the record of recent use. */
  purgeDeadLinks(): Promise<number> {
    const now = this.clock();
    return deleteDeadAccountTokens(this.db, new Date(now), new Date(now - 86_400_000));
  }

  /**
   * For a password change: a reset link mailed before it must not undo it, and a sign-in begun
   * with the old password and waiting for its second factor must not finish.
   */
  async spendResetLinks(tx: Database, userId: string, now: Date): Promise<void> {
    await spendOutstandingAccountTokens(tx, userId, 'password_reset', now);
    await spendOutstandingAccountTokens(tx, userId, 'mfa_sign_in', now);
  }

  /** For a password change made while signed in: the notice a reset sends too. Whether it was queued. */
  async sendPasswordChangedNotice(tx: Database, email: string): Promise<boolean> {
    // Production without SMTP: nothing could send it, and the change itself needs no mail.
    if (!this.mail.available) return false;
    await this.mail.enqueue(tx, passwordChangedMail(email, 'changed'));
    return true;
  }
}
