import { AuditAction } from '../audit/audit-action';
import { recordAudit } from '../audit/audit.trail';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import type { UserRow } from '../db/schema';
import { emailNotConfigured, invalidOrExpiredLink } from '../errors';
import type { LoginThrottle } from '../sessions/login-throttle';
import { normalizeEmail } from '../users/credentials';
import type { UserService } from '../users/user.service';
import { issueAccountLink } from './account-link';
import { hashAccountToken, isWellFormedAccountToken } from './account-token';
import { findLiveAccountToken, spendAccountToken } from './account-token.store';
import type { EmailChangeService } from './email-change.service';
import type { MailService } from './mail/mail.service';
import { emailVerificationMail } from './mail/mail.templates';

export interface EmailVerificationOptions {
  ttlSeconds: number;
  pageUrl: string;
}

/** Proving that an account's owner reads the mail at its address. */
export class EmailVerificationService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly mail: MailService,
    private readonly throttle: LoginThrottle,
    private readonly changes: EmailChangeService,
    private readonly options: EmailVerificationOptions,
  ) {}

  /**
   * In register's transaction: the first link, sent if and only if the account is created. In
   * production without SMTP nothing could send it, so nothing is queued.
   */
  async sendFirstLink(tx: Database, user: UserRow, now: Date): Promise<void> {
    if (this.mail.available) await this.queueLink(tx, user, now);
  }

  /** After a commit that queued a link: the sender looks now. */
  committed(): void {
    this.mail.committed();
  }

  /**
   * Mails a new link to an enabled, unverified account with this address. The answer is the same
   * for an unknown, a disabled and a verified address: the mail leaves later, from the outbox.
   */
  async requestEmailVerification(email: string, clientAddress: string): Promise<true> {
    if (!this.mail.available) throw emailNotConfigured();
    const normalized = normalizeEmail(email);
    // Counted before the lookup, for every address alike: the throttle reveals nothing either.
    await this.throttle.begin(normalized, clientAddress);
    const user = await this.users.findByEmail(normalized);
    if (!user || user.disabled || user.emailVerified) return true;
    await this.db.transaction((tx) => this.queueLink(tx, user, new Date(this.clock())));
    this.mail.committed();
    return true;
  }

  /** Marks the address verified, or applies an address change, with a link's token; the token is spent. */
  async verifyEmail(token: string): Promise<true> {
    if (!this.mail.available) throw emailNotConfigured();
    if (!isWellFormedAccountToken(token)) throw invalidOrExpiredLink();
    const tokenHash = hashAccountToken(token);
    const live = await findLiveAccountToken(this.db, tokenHash, 'email_verification', new Date(this.clock()));
    if (!live) throw invalidOrExpiredLink();
    // A link for an address other than the account's is an address change's.
    const owner = await this.users.findById(live.userId);
    if (owner && owner.email !== live.email) return this.changes.apply(live);
    await this.db.transaction(async (tx) => {
      // The account first, as a reset takes it: changes to one account never deadlock.
      const user = await this.users.lockForChange(tx, live.userId);
      const now = new Date(this.clock());
      // Of two uses racing with one token, the second finds it spent here.
      if (!(await spendAccountToken(tx, tokenHash, 'email_verification', now))) throw invalidOrExpiredLink();
      // A link for an address the account no longer has proves nothing about the one it has.
      if (!user || user.disabled || user.email !== live.email) throw invalidOrExpiredLink();
      if (user.emailVerified) return;
      await this.users.markEmailVerified(tx, user.id);
      await recordAudit(tx, { at: now, action: AuditAction.EMAIL_VERIFIED, actorId: user.id, targetUserId: user.id });
    });
    return true;
  }

  private async queueLink(tx: Database, user: UserRow, now: Date): Promise<void> {
    const { ttlSeconds, pageUrl } = this.options;
    const link = await issueAccountLink(tx, {
      userId: user.id,
      purpose: 'email_verification',
      email: user.email,
      now,
      ttlSeconds,
      pageUrl,
    });
    await this.mail.enqueue(tx, emailVerificationMail(user.email, link, Math.round(ttlSeconds / 3600)));
  }
}
