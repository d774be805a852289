import { createHash } from 'node:crypto';
import type { AuditEventRow } from '../db/schema';

/** The link before the first event: 64 zeros. */
export const GENESIS_LINK = '0'.repeat(64);

/**
 * One event as the chain hashes it: a JSON array of its fields in a fixed order, the instant in
 * ISO 8601 with milliseconds (what the column holds). JSON.stringify of an array of strings,
 * numbers and nulls is the same on every run and every machine, and easy to redo elsewhere.
 */
export function canonicalEvent(event: AuditEventRow): string {
  return JSON.stringify([
    event.id,
    event.at.toISOString(),
    event.action,
    event.actorId,
    event.targetUserId,
    event.targetJti,
    event.targetSessionId,
    event.reason,
  ]);
}

/** SHA-256, in lower-case hex, of the previous link, a newline, and the event's canonical encoding. */
export function nextLink(previous: string, event: AuditEventRow): string {
  return createHash('sha256')
    .update(`${previous}\n${canonicalEvent(event)}`, 'utf8')
    .digest('hex');
}
