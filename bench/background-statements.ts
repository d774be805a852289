import { getTableName } from 'drizzle-orm';
import { revocationFeed, revocationLog, signingKeys } from '../src/db/schema';

/**
 * The background job a statement belongs to, or null for one sent on behalf of a request: the
 * mirror's reconcile reads the revocation log after its version (every `logReadIntervalMs`), a
 * select of the log and its head alone, and the key ring reads the signing keys (every
 * KEY_POLL_INTERVAL_MS), a select of that one table. The test of the mirror's zero statements and
 * the bench tell the two apart alike.
 */
export function backgroundJobOf(text: string): 'reconcile' | 'key poll' | null {
  if (!/^\s*select\b/i.test(text)) return null;
  const tables = new Set([...text.matchAll(/\b(?:from|join)\s+"(\w+)"/gi)].map((match) => match[1]));
  const log = new Set<string>([getTableName(revocationFeed), getTableName(revocationLog)]);
  if (tables.size > 0 && [...tables].every((table) => log.has(table ?? ''))) return 'reconcile';
  if (tables.size === 1 && tables.has(getTableName(signingKeys))) return 'key poll';
  return null;
}
