/** The PostgreSQL channel every instance listens on. */
export const REVOCATION_CHANNEL = 'token_warden_revocations';

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; stay well below. */
const MAX_PAYLOAD_BYTES = 7000;

/** What one revoking write changed, all for one reason. */
export interface RevocationChanges {
  reason: string | null;
  /** Who revoked: a user or administrator id, null for the service itself (reuse detection, cleanup). */
  actorId?: string | null;
  /** Blacklisted jtis with the instant (ms) their token expires. */
  jtis: Array<[jti: string, expiresAtMs: number]>;
  /** Users whose tokens issued at or before the cutoff (ms) are revoked. */
  cutoffs: Array<[userId: string, cutoffMs: number]>;
  /** Sessions whose tokens issued at or before the cutoff (ms) are revoked until `untilMs`. */
  sessions: Array<[sessionId: string, cutoffMs: number, untilMs: number]>;
  /** Signing keys revoked at `revokedAtMs`: every token they signed is refused. */
  keys?: Array<[kid: string, revokedAtMs: number]>;
  /** The set of signing keys changed (a rotation): instances read their keys again. */
  signingKeysChanged?: boolean;
  /** Expired entries were purged from the database; mirrors may drop theirs now. */
  purged?: boolean;
}

/** One NOTIFY: changes with the feed version it was sent under and when it was sent. */
export interface RevocationNotice extends RevocationChanges {
  version: number;
  sentAtMs: number;
}

/** Splits changes so that each part's payload fits in one NOTIFY. */
export function splitChanges(changes: RevocationChanges): RevocationChanges[] {
  const empty = (): RevocationChanges => ({ ...changes, jtis: [], cutoffs: [], sessions: [], keys: [] });
  const base = Buffer.byteLength(JSON.stringify(empty())) + 64;
  const parts: RevocationChanges[] = [];
  let current = empty();
  let size = base;
  type Lists = Required<Pick<RevocationChanges, 'jtis' | 'cutoffs' | 'sessions' | 'keys'>>;
  const add = <K extends keyof Lists>(list: K, entry: Lists[K][number]) => {
    const entrySize = Buffer.byteLength(JSON.stringify(entry)) + 1;
    const entries =
      current.jtis.length + current.cutoffs.length + current.sessions.length + (current.keys?.length ?? 0);
    if (size + entrySize > MAX_PAYLOAD_BYTES && entries > 0) {
      parts.push(current);
      current = empty();
      size = base;
    }
    ((current[list] ??= []) as Array<typeof entry>).push(entry);
    size += entrySize;
  };
  for (const entry of changes.jtis) add('jtis', entry);
  for (const entry of changes.cutoffs) add('cutoffs', entry);
  for (const entry of changes.sessions) add('sessions', entry);
  for (const entry of changes.keys ?? []) add('keys', entry);
  parts.push(current);
  return parts;
}

export function encodeNotice(notice: RevocationNotice): string {
  return JSON.stringify(notice);
}

const isPair = (value: unknown): value is [string, number] =>
  Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && Number.isFinite(value[1]);

const isSessionCutoff = (value: unknown): value is [string, number, number] =>
  Array.isArray(value) &&
  value.length === 3 &&
  typeof value[0] === 'string' &&
  Number.isFinite(value[1]) &&
  Number.isFinite(value[2]);

/** Null for a payload this version of the service did not write. */
export function decodeNotice(payload: string): RevocationNotice | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  return noticeFrom(value);
}

/** The notice `value` holds, once parsed; null for anything this version of the service did not write. */
export function noticeFrom(value: unknown): RevocationNotice | null {
  if (typeof value !== 'object' || value === null) return null;
  const notice = value as Partial<Record<keyof RevocationNotice, unknown>>;
  if (!Number.isSafeInteger(notice.version) || !Number.isFinite(notice.sentAtMs)) return null;
  if (!Array.isArray(notice.jtis) || !notice.jtis.every(isPair)) return null;
  if (!Array.isArray(notice.cutoffs) || !notice.cutoffs.every(isPair)) return null;
  if (notice.reason !== null && typeof notice.reason !== 'string') return null;
  if (notice.actorId !== undefined && notice.actorId !== null && typeof notice.actorId !== 'string') return null;
  // Notices from instances older than session cutoffs carry none.
  const sessions = notice.sessions ?? [];
  if (!Array.isArray(sessions) || !sessions.every(isSessionCutoff)) return null;
  // Nor do notices from instances older than signing keys.
  const keys = notice.keys ?? [];
  if (!Array.isArray(keys) || !keys.every(isPair)) return null;
  if (notice.signingKeysChanged !== undefined && typeof notice.signingKeysChanged !== 'boolean') return null;
  return { ...(value as RevocationNotice), sessions, keys };
}
