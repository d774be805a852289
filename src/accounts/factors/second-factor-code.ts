import type { Database } from '../../db/database';
import { sealSecret, unsealSecret } from '../../keys/key-sealing';
import { hashRecoveryCode, normalizeRecoveryCode } from './recovery-codes';
import { spendRecoveryCode } from './recovery-codes.store';
import { findTotp, useTotpStep } from './totp.store';
import { matchingStep, TOTP_CODE } from './totp';

/** The user id as associated data: a sealed secret copied onto another user's row does not open there. */
const associatedData = (userId: string) => `totp:${userId}`;

export const sealTotpSecret = (kek: Buffer, userId: string, secret: string): string =>
  sealSecret(kek, associatedData(userId), Buffer.from(secret, 'utf8'));

export const unsealTotpSecret = (kek: Buffer, userId: string, sealed: string): string =>
  unsealSecret(kek, associatedData(userId), sealed).toString('utf8');

/** Longer than any code this service hands out, with room for spaces. */
const MAX_CODE_LENGTH = 32;

export type AcceptedCode = 'totp' | 'recovery_code';

/**
 * Accepts a current TOTP code of the user's enabled authenticator, for a time step later than
 * any accepted before, or (when `recoveryCodes`) spends an unused recovery code. Null for
 * anything else; the step or the code is used up in `tx`.
 */
export async function acceptSecondFactorCode(
  tx: Database,
  kek: Buffer,
  userId: string,
  code: string,
  options: { nowMs: number; recoveryCodes: boolean },
): Promise<AcceptedCode | null> {
  const trimmed = code.trim();
  if (trimmed.length > MAX_CODE_LENGTH) return null;
  if (TOTP_CODE.test(trimmed)) {
    const totp = await findTotp(tx, userId);
    if (!totp?.enabledAt) return null;
    const step = matchingStep(unsealTotpSecret(kek, userId, totp.sealedSecret), trimmed, options.nowMs);
    if (step === null) return null;
    return (await useTotpStep(tx, userId, step, { enabled: true })) ? 'totp' : null;
  }
  if (!options.recoveryCodes) return null;
  const normalized = normalizeRecoveryCode(trimmed);
  if (normalized === null) return null;
  const spent = await spendRecoveryCode(tx, userId, hashRecoveryCode(normalized), new Date(options.nowMs));
  return spent ? 'recovery_code' : null;
}
