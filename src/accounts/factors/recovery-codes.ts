import { createHash, randomInt } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const GROUP = 5;
const RECOVERY_CODE = /^[a-z2-7]{10}$/;

/** Ten base32 characters (50 random bits) in two groups, `xxxxx-xxxxx`: easy to read out and type. */
export function newRecoveryCode(): string {
  const chars = Array.from({ length: GROUP * 2 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${chars.slice(0, GROUP)}-${chars.slice(GROUP)}`;
}

/** The code as stored: case, spaces and the dash do not matter to the person typing it. */
export function normalizeRecoveryCode(code: string): string | null {
  const bare = code.toLowerCase().replace(/[\s-]/g, '');
  return RECOVERY_CODE.test(bare) ? bare : null;
}

/** SHA-256 is enough: 50 random bits leave nothing for a slow hash to protect against a table read. */
export const hashRecoveryCode = (normalized: string): string =>
  createHash('sha256').update(normalized, 'utf8').digest('hex');
