import { getTableName } from 'drizzle-orm';
import { revocationFeed, signingKeys } from '../src/db/schema';

/**
 * The background job a statement belongs to, or null for one sent on behalf of a request: the
 * mirror's reconcile reads the feed version (every REVOCATION_RECONCILE_MS) and the key ring reads
 * the signing keys (every KEY_POLL_INTERVAL_MS), each a select of its one table. The test of the
 * mirror's zero statements and the bench tell the two apart alike.
 */
export function backgroundJobOf(text: string): 'reconcile' | 'key poll' | null {
  if (!/^\s*select\b/i.test(text)) return null;
  const tables = new Set([...text.matchAll(/\b(?:from|join)\s+"(\w+)"/gi)].map((match) => match[1]));
  if (tables.size !== 1) return null;
  if (tables.has(getTableName(revocationFeed))) return 'reconcile';
  if (tables.has(getTableName(signingKeys))) return 'key poll';
  return null;
}
