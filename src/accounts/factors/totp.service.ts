import { AuditAction } from '../../audit/audit-action';
import type { Viewer } from '../../auth/viewer';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import type { UserRow } from '../../db/schema';
import { badUserInput, invalidCode, unauthenticated } from '../../errors';
import type { RevocationWriter } from '../../revocation/revocation.feed';
import type { LoginThrottle } from '../../sessions/login-throttle';
import type { UserService } from '../../users/user.service';
import type { MailService } from '../mail/mail.service';
import { factorChanged, type FactorAction } from './factor-changed';
import { hashRecoveryCode, newRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes';
import { deleteRecoveryCodes, replaceRecoveryCodes } from './recovery-codes.store';
import { acceptSecondFactorCode, sealTotpSecret, unsealTotpSecret } from './second-factor-code';
import { deleteTotp, findTotp, savePendingTotp, useTotpStep } from './totp.store';
import { matchingStep, newTotpSecret, otpauthUri } from './totp';

export interface TotpEnrollment {
  secret: string;
  otpauthUri: string;
}

export interface TotpOptions {
  /** The key TOTP secrets are sealed under, derived from JWT_SECRET like the signing keys'. */
  kek: Buffer;
  /** MFA_ISSUER: the name an authenticator app shows beside the account. */
  issuer: string;
}

const ALREADY_ON = 'TOTP is already on.';
const NOT_ON = 'TOTP is not on.';

/** Setting up, turning off and backing up an authenticator app (RFC 6238) as a second factor. */
export class TotpService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly writer: RevocationWriter,
    private readonly mail: MailService,
    private readonly throttle: LoginThrottle,
    private readonly options: TotpOptions,
  ) {}

  /** A new secret, pending until a code from it is confirmed; a pending one before it is replaced. */
  async startEnrollment(viewer: Viewer): Promise<TotpEnrollment> {
    const user = await this.currentUser(viewer);
    const secret = newTotpSecret();
    const sealed = sealTotpSecret(this.options.kek, user.id, secret);
    if (!(await savePendingTotp(this.db, user.id, sealed, new Date(this.clock())))) throw badUserInput(ALREADY_ON);
    return { secret, otpauthUri: otpauthUri(secret, this.options.issuer, user.email) };
  }

  /** Turns TOTP on with a code from the pending secret; answers the recovery codes, shown this once. */
  async confirmEnrollment(viewer: Viewer, code: string, clientAddress: string): Promise<string[]> {
    const user = await this.currentUser(viewer);
    const pending = await findTotp(this.db, user.id);
    if (pending?.enabledAt) throw badUserInput(ALREADY_ON);
    if (!pending) throw badUserInput('Start TOTP enrolment first: startTotpEnrollment.');
    const attempt = await this.throttle.begin(user.id, clientAddress);
    const nowMs = this.clock();
    const step = matchingStep(unsealTotpSecret(this.options.kek, user.id, pending.sealedSecret), code.trim(), nowMs);
    if (step === null) throw invalidCode();
    const codes = await this.change(user, viewer.sessionId, AuditAction.MFA_ENABLED, async (tx, now) => {
      // Only the pending secret just checked: a replaced or already confirmed one does not turn on.
      const confirming = { enabled: false, enableAt: now, sealedSecret: pending.sealedSecret } as const;
      if (!(await useTotpStep(tx, user.id, step, confirming))) throw invalidCode();
      return this.newRecoveryCodes(tx, user.id, now);
    });
    await attempt.succeeded();
    return codes;
  }

  /** Turns TOTP off with a current code or a recovery code: a lost phone must not lock its owner in. */
  async disable(viewer: Viewer, code: string, clientAddress: string): Promise<true> {
    const user = await this.enabledUser(viewer);
    const attempt = await this.throttle.begin(user.id, clientAddress);
    await this.change(user, viewer.sessionId, AuditAction.MFA_DISABLED, async (tx, now) => {
      await this.requireCode(tx, user.id, code, now, true);
      await this.removeTotp(tx, user.id);
    });
    await attempt.succeeded();
    return true;
  }

  /**
   * New recovery codes for a current TOTP code, the old ones void. A recovery code does not do:
   * whoever holds one code only must not be able to turn it into ten.
   */
  async regenerateRecoveryCodes(viewer: Viewer, code: string, clientAddress: string): Promise<string[]> {
    const user = await this.enabledUser(viewer);
    const attempt = await this.throttle.begin(user.id, clientAddress);
    const codes = await this.change(user, viewer.sessionId, AuditAction.RECOVERY_CODES_REGENERATED, async (tx, now) => {
      await this.requireCode(tx, user.id, code, now, false);
      return this.newRecoveryCodes(tx, user.id, now);
    });
    await attempt.succeeded();
    return codes;
  }

  private async change<T>(
    user: UserRow,
    sessionId: string,
    action: FactorAction,
    work: (tx: Database, now: Date) => Promise<T>,
  ): Promise<T> {
    const result = await this.writer.run(async (revoking) => {
      const now = new Date(this.clock());
      // Orders this change after a password change or reset of the same account.
      await this.users.lockForChange(revoking.db, user.id);
      const value = await work(revoking.db, now);
      await factorChanged(revoking, this.mail, { user, sessionId, action, now });
      return value;
    });
    this.mail.committed();
    return result;
  }

  private async requireCode(tx: Database, userId: string, code: string, now: Date, recoveryCodes: boolean) {
    const accepted = await acceptSecondFactorCode(tx, this.options.kek, userId, code, {
      nowMs: now.getTime(),
      recoveryCodes,
    });
    if (!accepted) throw invalidCode();
  }

  private async newRecoveryCodes(tx: Database, userId: string, now: Date): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await replaceRecoveryCodes(
      tx,
      userId,
      codes.map((code) => hashRecoveryCode(code.replace('-', ''))),
      now,
    );
    return codes;
  }

  /** The recovery codes go too: they back up the authenticator app, and a later enrolment makes new ones. */
  private async removeTotp(tx: Database, userId: string): Promise<void> {
    await deleteTotp(tx, userId);
    await deleteRecoveryCodes(tx, userId);
  }

  private async currentUser(viewer: Viewer): Promise<UserRow> {
    const user = await this.users.findById(viewer.userId);
    if (!user) throw unauthenticated();
    return user;
  }

  private async enabledUser(viewer: Viewer): Promise<UserRow> {
    const user = await this.currentUser(viewer);
    if (!(await findTotp(this.db, user.id))?.enabledAt) throw badUserInput(NOT_ON);
    return user;
  }
}
