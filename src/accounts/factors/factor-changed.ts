import { AuditAction } from '../../audit/audit-action';
import { recordAudit } from '../../audit/audit.trail';
import type { UserRow } from '../../db/schema';
import type { RevokingTx } from '../../revocation/revocation.feed';
import { revokeSessions } from '../../revocation/revocation.writes';
import type { MailService } from '../mail/mail.service';
import { mfaChangedMail, type MailMessage } from '../mail/mail.templates';

/** Why the account's other sessions end when a second factor changes. */
export const FACTOR_CHANGED_REASON = 'second factor changed';

export type FactorAction =
  | AuditAction.MFA_ENABLED
  | AuditAction.MFA_DISABLED
  | AuditAction.RECOVERY_CODES_REGENERATED
  | AuditAction.MFA_RESET_BY_ADMIN
  | AuditAction.PASSKEY_ADDED
  | AuditAction.PASSKEY_REMOVED;

const NOTICE: Record<FactorAction, string> = {
  [AuditAction.MFA_ENABLED]: 'An authenticator app was set up as a second factor of your account.',
  [AuditAction.MFA_DISABLED]: 'The authenticator app of your account was turned off as a second factor.',
  [AuditAction.RECOVERY_CODES_REGENERATED]:
    'New recovery codes were made for your account; the old ones no longer work.',
  [AuditAction.MFA_RESET_BY_ADMIN]: 'An administrator removed every second factor of your account.',
  [AuditAction.PASSKEY_ADDED]: 'A passkey was added to your account.',
  [AuditAction.PASSKEY_REMOVED]: 'A passkey was removed from your account.',
};

export interface FactorChange {
  user: UserRow;
  /** The session that made the change, which stays signed in; null ends every session. */
  sessionId: string | null;
  action: FactorAction;
  now: Date;
  /** Who made the change: the user unless given. */
  actorId?: string;
  reason?: string | null;
  /** The owner's notice, when it says more than the action's own. */
  notice?: (recipient: string) => MailMessage;
}

/**
 * In the revoking transaction of a change to the account's second factors: whoever may have
 * signed in before the change (with the factor now gone, or without the one now added) is
 * signed out, the change is audited, and the owner is told. The caller wakes the mail sender
 * after the commit.
 */
export async function factorChanged(revoking: RevokingTx, mail: MailService, change: FactorChange): Promise<string[]> {
  const { user, sessionId, action, now } = change;
  const actorId = change.actorId ?? user.id;
  const filter = { userId: user.id, ...(sessionId ? { exceptSessionId: sessionId } : {}) };
  const ended = await revokeSessions(revoking, filter, { now, actorId, reason: FACTOR_CHANGED_REASON });
  const sessionsEnded = `${ended.length} ${sessionId ? 'other ' : ''}sessions ended`;
  await recordAudit(revoking.db, {
    at: now,
    action,
    actorId,
    targetUserId: user.id,
    targetSessionId: sessionId,
    reason: change.reason ? `${change.reason}; ${sessionsEnded}` : sessionsEnded,
  });
  const notice = change.notice ?? ((recipient: string) => mfaChangedMail(recipient, NOTICE[action]));
  if (mail.available) await mail.enqueue(revoking.db, notice(user.email));
  return ended;
}
