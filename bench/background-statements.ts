import { getTableName } from 'drizzle-orm';
import { auditChain, auditEvents, mailOutbox, revocationFeed, revocationLog, signingKeys } from '../src/db/schema';

/**
 * The background job a statement belongs to, or null for one sent on behalf of a request: the
 * mirror's reconcile reads the revocation log after its version (every `logReadIntervalMs`), a
 * select of the log and its head alone, and the key ring reads the signing keys (every
 * KEY_POLL_INTERVAL_MS), a select of that one table; the audit sealer (every second) asks whether
 * events wait after the chain's head, and when some do, reads the head and the events in id
 * order and appends links; the mail sender (every few seconds) reads when the next message in the
 * outbox is due, a select of that one table. The test of the mirror's zero statements and the
 * bench tell them apart alike.
 */
export function backgroundJobOf(text: string): 'reconcile' | 'key poll' | 'audit seal' | 'mail poll' | null {
  if (/^\s*insert into "audit_chain"/i.test(text)) return 'audit seal';
  if (!/^\s*select\b/i.test(text)) return null;
  const tables = new Set([...text.matchAll(/\b(?:from|join)\s+"(\w+)"/gi)].map((match) => match[1]));
  const chain = getTableName(auditChain);
  const audit = new Set<string>([chain, getTableName(auditEvents)]);
  // A request reads the audit log newest first; only the sealer reads it oldest first, or reads the chain.
  const sealerRead = tables.has(chain) || /order by "audit_events"\."id" asc/i.test(text);
  if (tables.size > 0 && [...tables].every((table) => audit.has(table ?? '')) && sealerRead) return 'audit seal';
  const log = new Set<string>([getTableName(revocationFeed), getTableName(revocationLog)]);
  if (tables.size > 0 && [...tables].every((table) => log.has(table ?? ''))) return 'reconcile';
  if (tables.size === 1 && tables.has(getTableName(signingKeys))) return 'key poll';
  if (tables.size === 1 && tables.has(getTableName(mailOutbox))) return 'mail poll';
  return null;
}
