import { badUserInput } from '../errors';

export const MAX_REASON_LENGTH = 500;
export const MAX_JTI_LENGTH = 256;

/** A trimmed reason, or the fallback when none was given. */
export function normalizeReason(reason: string | null | undefined, fallback: string): string {
  const trimmed = reason?.trim() ?? '';
  if (trimmed.length > MAX_REASON_LENGTH) {
    throw badUserInput(`reason must be at most ${MAX_REASON_LENGTH} characters, got ${trimmed.length}`);
  }
  return trimmed === '' ? fallback : trimmed;
}
