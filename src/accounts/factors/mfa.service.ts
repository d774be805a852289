import { AuditAction } from '../../audit/audit-action';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import { notFound } from '../../errors';
import { checkUserId } from '../../ids';
import type { RevocationWriter } from '../../revocation/revocation.feed';
import { normalizeReason } from '../../revocation/revocation.limits';
import type { UserService } from '../../users/user.service';
import { spendOutstandingAccountTokens } from '../account-token.store';
import type { MailService } from '../mail/mail.service';
import { factorChanged } from './factor-changed';
import { countUnusedRecoveryCodes } from './recovery-codes.store';
import { removeAllFactors } from './second-factors';
import { countPasskeys } from './passkey.store';
import { findTotp } from './totp.store';

/** What `me.mfa` shows. */
export interface MfaStatusData {
  totp: boolean;
  recoveryCodesLeft: number;
  passkeys: number;
}

/** The account's second factors as a whole: what is on, and an administrator's reset. */
export class MfaService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly writer: RevocationWriter,
    private readonly mail: MailService,
  ) {}

  async status(userId: string): Promise<MfaStatusData> {
    const totp = await findTotp(this.db, userId);
    return {
      totp: Boolean(totp?.enabledAt),
      recoveryCodesLeft: await countUnusedRecoveryCodes(this.db, userId),
      passkeys: await countPasskeys(this.db, userId),
    };
  }

  /**
   * For an owner who lost every factor: removes them all and ends every session of the account,
   * so that it signs in again with its password alone and can enrol anew.
   */
  async resetUserMfa(userId: string, reason: string | null | undefined, adminId: string): Promise<true> {
    checkUserId(userId, 'userId');
    const why = normalizeReason(reason, 'second factors reset by an administrator');
    await this.writer.run(async (revoking) => {
      const tx = revoking.db;
      const user = await this.users.lockForChange(tx, userId);
      if (!user) throw notFound('No user has this id.');
      const now = new Date(this.clock());
      await removeAllFactors(tx, user.id);
      // A sign-in waiting for its second factor would now wait for a factor that is gone.
      await spendOutstandingAccountTokens(tx, user.id, 'mfa_sign_in', now);
      await factorChanged(revoking, this.mail, {
        user,
        sessionId: null,
        action: AuditAction.MFA_RESET_BY_ADMIN,
        now,
        actorId: adminId,
        reason: why,
      });
    });
    this.mail.committed();
    return true;
  }
}
