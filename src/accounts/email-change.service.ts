import { AuditAction } from '../audit/audit-action';
import { recordAudit } from '../audit/audit.trail';
import type { PasswordHasher } from '../auth/passwords';
import type { Viewer } from '../auth/viewer';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { isUniqueViolation } from '../db/errors';
import type { AccountTokenRow } from '../db/schema';
import { badUserInput, emailNotConfigured, invalidOrExpiredLink, unauthenticated } from '../errors';
import type { RevocationWriter } from '../revocation/revocation.feed';
import { revokeSessions } from '../revocation/revocation.writes';
import type { LoginThrottle } from '../sessions/login-throttle';
import { MAX_PASSWORD_LENGTH, normalizeEmail } from '../users/credentials';
import type { UserService } from '../users/user.service';
import { issueAccountLink } from './account-link';
import { spendAccountToken } from './account-token.store';
import type { MailService } from './mail/mail.service';
import {
  emailChangedMail,
  emailChangeRequestedMail,
  emailChangeVerificationMail,
  emailInUseMail,
} from './mail/mail.templates';

const WRONG_PASSWORD = 'The current password is not correct.';
/** Why the account's other sessions end when its address changes. */
export const EMAIL_CHANGED_REASON = 'email changed';

export interface EmailChangeThrottles {
  /** Counts the password check, as for changePassword. */
  password: LoginThrottle;
  /** Counts the mail to the new address, as for any mail request. */
  mail: LoginThrottle;
}

/** Moving an account to another address: asked for signed in, applied from the new address's link. */
export class EmailChangeService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly writer: RevocationWriter,
    private readonly mail: MailService,
    private readonly throttles: EmailChangeThrottles,
    private readonly passwords: PasswordHasher,
    private readonly options: { ttlSeconds: number; pageUrl: string },
  ) {}

  /**
   * Mails a link to the new address and a notice to the old one. An address another account has
   * gets the same answer, and its owner a notice instead of a link: the answer reveals nothing.
   */
  async requestEmailChange(viewer: Viewer, newEmail: string, password: string, clientAddress: string): Promise<true> {
    if (!this.mail.available) throw emailNotConfigured();
    const user = await this.users.findById(viewer.userId);
    if (!user) throw unauthenticated(WRONG_PASSWORD);
    const attempt = await this.throttles.password.begin(user.email, clientAddress);
    const passwordOk =
      password.length <= MAX_PASSWORD_LENGTH && (await this.passwords.verify(password, user.passwordHash));
    if (!passwordOk) throw unauthenticated(WRONG_PASSWORD);
    await attempt.succeeded();
    const target = normalizeEmail(newEmail);
    if (target === user.email) throw badUserInput('This is already the address of the account.');
    // Counted for the new address: a signed-in account cannot make this service mail anyone at will.
    await this.throttles.mail.begin(target, clientAddress);
    const owner = await this.users.findByEmail(target);
    await this.db.transaction(async (tx) => {
      const now = new Date(this.clock());
      if (owner) {
        await this.mail.enqueue(tx, emailInUseMail(target));
      } else {
        const { ttlSeconds, pageUrl } = this.options;
        const link = await issueAccountLink(tx, {
          userId: user.id,
          purpose: 'email_verification',
          email: target,
          now,
          ttlSeconds,
          pageUrl,
          sessionId: viewer.sessionId,
        });
        await this.mail.enqueue(tx, emailChangeVerificationMail(target, link, Math.round(ttlSeconds / 3600)));
      }
      await this.mail.enqueue(tx, emailChangeRequestedMail(user.email, target));
    });
    this.mail.committed();
    return true;
  }

  /**
   * Applies a change with the new address's link: the address becomes the account's, verified;
   * every session but the one that asked ends, through the revocation engine, since whoever
   * controlled the old address may be signed in; the old address is told.
   */
  async apply(live: AccountTokenRow): Promise<true> {
    try {
      await this.writer.run(async (revoking) => {
        const tx = revoking.db;
        const user = await this.users.lockForChange(tx, live.userId);
        const now = new Date(this.clock());
        if (!(await spendAccountToken(tx, live.tokenHash, 'email_verification', now))) throw invalidOrExpiredLink();
        if (!user || user.disabled) throw invalidOrExpiredLink();
        // Taken by another account since the link was mailed: the link can no longer do what it said.
        if (await this.users.findByEmailIn(tx, live.email)) throw invalidOrExpiredLink();
        await this.users.replaceEmail(tx, user.id, live.email);
        const cause = { now, actorId: user.id, reason: EMAIL_CHANGED_REASON };
        const filter = { userId: user.id, ...(live.sessionId ? { exceptSessionId: live.sessionId } : {}) };
        const ended = await revokeSessions(revoking, filter, cause);
        await recordAudit(tx, {
          at: now,
          action: AuditAction.EMAIL_CHANGED,
          actorId: user.id,
          targetUserId: user.id,
          reason: `${ended.length} other sessions ended`,
        });
        await this.mail.enqueue(tx, emailChangedMail(user.email, live.email));
      });
    } catch (error) {
      // Two changes to one address racing: the second commit meets the unique index.
      if (isUniqueViolation(error)) throw invalidOrExpiredLink();
      throw error;
    }
    this.mail.committed();
    return true;
  }
}
