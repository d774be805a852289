/**
 * The events of `GET /oauth/revocation-events` (the service's docs/revocation-events.md), checked
 * field by field: a stream that sends anything else is treated as an outage, never as "nothing is
 * revoked".
 */
export interface SnapshotEvent {
  version: number;
  jtis: Array<[jti: string, expiresAtMs: number, reason: string | null]>;
  cutoffs: Array<[userId: string, cutoffMs: number, reason: string | null]>;
  sessions: Array<[sessionId: string, cutoffMs: number, untilMs: number, reason: string | null]>;
  keys: Array<[kid: string, reason: string | null]>;
  complete: boolean;
}

export interface RevocationEvent {
  version: number;
  sentAtMs: number;
  reason: string | null;
  jtis: Array<[jti: string, expiresAtMs: number]>;
  cutoffs: Array<[userId: string, cutoffMs: number]>;
  sessions: Array<[sessionId: string, cutoffMs: number, untilMs: number]>;
  keys: Array<[kid: string, revokedAtMs: number]>;
  signingKeysChanged: boolean;
  purged: boolean;
}

export interface HeartbeatEvent {
  version: number;
  current: boolean;
  timeMs: number;
}

type Field = 'id' | 'time' | 'reason';

const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= 256;
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isReason = (value: unknown): value is string | null => value === null || typeof value === 'string';
const CHECKS: Record<Field, (value: unknown) => boolean> = { id: isId, time: isTime, reason: isReason };

const isVersion = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Every item is an array of exactly these fields. */
function isListOf<T>(value: unknown, fields: Field[]): value is T[] {
  if (!Array.isArray(value)) return false;
  for (const item of value as unknown[]) {
    if (!Array.isArray(item) || item.length !== fields.length) return false;
    for (let index = 0; index < fields.length; index += 1) {
      if (!CHECKS[fields[index] as Field](item[index])) return false;
    }
  }
  return true;
}

function objectOf(data: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

export function parseSnapshot(data: string): SnapshotEvent | null {
  const value = objectOf(data);
  if (value === null || !isVersion(value.version) || typeof value.complete !== 'boolean') return null;
  if (!isListOf(value.jtis, ['id', 'time', 'reason']) || !isListOf(value.cutoffs, ['id', 'time', 'reason']))
    return null;
  if (!isListOf(value.sessions, ['id', 'time', 'time', 'reason']) || !isListOf(value.keys, ['id', 'reason']))
    return null;
  return value as unknown as SnapshotEvent;
}

export function parseRevocation(data: string): RevocationEvent | null {
  const value = objectOf(data);
  if (value === null || !isVersion(value.version) || value.version === 0) return null;
  if (!isTime(value.sentAtMs) || !isReason(value.reason)) return null;
  if (typeof value.signingKeysChanged !== 'boolean' || typeof value.purged !== 'boolean') return null;
  if (!isListOf(value.jtis, ['id', 'time']) || !isListOf(value.cutoffs, ['id', 'time'])) return null;
  if (!isListOf(value.sessions, ['id', 'time', 'time']) || !isListOf(value.keys, ['id', 'time'])) return null;
  return value as unknown as RevocationEvent;
}

export function parseHeartbeat(data: string): HeartbeatEvent | null {
  const value = objectOf(data);
  if (value === null || !isVersion(value.version) || typeof value.current !== 'boolean' || !isTime(value.timeMs)) {
    return null;
  }
  return value as unknown as HeartbeatEvent;
}
