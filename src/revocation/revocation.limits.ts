import { isStorableText } from '../db/storable-text';
import { badUserInput } from '../errors';

export const MAX_REASON_LENGTH = 500;
export const MAX_JTI_LENGTH = 256;
const UNSTORABLE = 'must not contain NUL characters or unpaired surrogates';

/** A trimmed reason, or the fallback when none was given. */
export function normalizeReason(reason: string | null | undefined, fallback: string): string {
  const trimmed = reason?.trim() ?? '';
  if (trimmed.length > MAX_REASON_LENGTH) {
    throw badUserInput(`reason must be at most ${MAX_REASON_LENGTH} characters, got ${trimmed.length}`);
  }
  if (!isStorableText(trimmed)) throw badUserInput(`reason ${UNSTORABLE}`);
  return trimmed === '' ? fallback : trimmed;
}

/** A jti named by an administrator, checked before it is looked up or stored. */
export function checkJti(jti: string): string {
  if (jti.length > MAX_JTI_LENGTH) throw badUserInput(`jti must be at most ${MAX_JTI_LENGTH} characters`);
  if (!isStorableText(jti)) throw badUserInput(`jti ${UNSTORABLE}`);
  return jti;
}
