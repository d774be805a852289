import { count, desc, lt } from 'drizzle-orm';
import type { Database } from '../db/client';
import { auditEvents, type AuditEventRow } from '../db/schema';
import type { AuditAction } from './audit-action';

export interface AuditEntry {
  at: Date;
  action: AuditAction;
  actorId?: string | null;
  targetUserId?: string | null;
  targetJti?: string | null;
  reason?: string | null;
}

export async function recordAudit(db: Database, ...entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insert(auditEvents).values(entries);
}

/** Newest first, keyset-paginated on the id. */
export async function listAuditEvents(
  db: Database,
  page: { limit: number; afterId?: number },
): Promise<AuditEventRow[]> {
  return db
    .select()
    .from(auditEvents)
    .where(page.afterId === undefined ? undefined : lt(auditEvents.id, page.afterId))
    .orderBy(desc(auditEvents.id))
    .limit(page.limit);
}

export async function countAuditEvents(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(auditEvents);
  return row?.n ?? 0;
}
