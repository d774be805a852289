import type { Database } from '../db/database';
import { auditEvents } from '../db/schema';
import type { AuditAction } from './audit-action';

/**
 * The audit trail's one way in, for every domain: events are appended inside the caller's
 * transaction, so an event and the change it records commit together or not at all.
 */
export interface AuditEntry {
  at: Date;
  action: AuditAction;
  actorId?: string | null;
  targetUserId?: string | null;
  targetJti?: string | null;
  targetSessionId?: string | null;
  reason?: string | null;
}

export async function recordAudit(db: Database, ...entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insert(auditEvents).values(entries);
}
