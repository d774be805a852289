import { registerEnumType } from 'type-graphql';
import type { Database } from '../../db/database';
import { countUnusedRecoveryCodes, deleteRecoveryCodes } from './recovery-codes.store';
import { countPasskeys, removeAllPasskeys } from './passkey.store';
import { deleteTotp, findTotp } from './totp.store';

/** The ways to finish a sign-in whose password was right. */
export enum SecondFactorMethod {
  TOTP = 'TOTP',
  RECOVERY_CODE = 'RECOVERY_CODE',
  PASSKEY = 'PASSKEY',
}

registerEnumType(SecondFactorMethod, {
  name: 'SecondFactorMethod',
  description: 'A way to finish a sign-in that answered MFA_REQUIRED.',
});

/** Which second factors the account has on, and so which ones a sign-in must ask for; empty when none. */
export async function secondFactorsOf(db: Database, userId: string): Promise<SecondFactorMethod[]> {
  const methods: SecondFactorMethod[] = [];
  const totp = await findTotp(db, userId);
  if (totp?.enabledAt) {
    methods.push(SecondFactorMethod.TOTP);
    if ((await countUnusedRecoveryCodes(db, userId)) > 0) methods.push(SecondFactorMethod.RECOVERY_CODE);
  }
  if ((await countPasskeys(db, userId)) > 0) methods.push(SecondFactorMethod.PASSKEY);
  return methods;
}

/** Removes every second factor of the account (an administrator's reset); true when there was one. */
export async function removeAllFactors(tx: Database, userId: string): Promise<boolean> {
  const hadTotp = await deleteTotp(tx, userId);
  const hadCodes = (await deleteRecoveryCodes(tx, userId)) > 0;
  const hadPasskeys = (await removeAllPasskeys(tx, userId)) > 0;
  return hadTotp || hadCodes || hadPasskeys;
}
