import { and, count, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import type { Database } from '../db/database';
import { auditEvents, type AuditEventRow } from '../db/schema';

export interface AuditFilter {
  /** Events this user did or that were done to them. */
  userId?: string;
}

function auditWhere(filter: AuditFilter): SQL | undefined {
  if (filter.userId === undefined) return undefined;
  return or(eq(auditEvents.actorId, filter.userId), eq(auditEvents.targetUserId, filter.userId));
}

/** Newest first, keyset-paginated on the id. */
export async function listAuditEvents(
  db: Database,
  filter: AuditFilter,
  page: { limit: number; afterId?: number },
): Promise<AuditEventRow[]> {
  return db
    .select()
    .from(auditEvents)
    .where(and(auditWhere(filter), page.afterId === undefined ? undefined : lt(auditEvents.id, page.afterId)))
    .orderBy(desc(auditEvents.id))
    .limit(page.limit);
}

export async function countAuditEvents(db: Database, filter: AuditFilter): Promise<number> {
  const [row] = await db.select({ n: count() }).from(auditEvents).where(auditWhere(filter));
  return row?.n ?? 0;
}
