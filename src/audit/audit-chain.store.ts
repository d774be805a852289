import { and, asc, count, desc, eq, gt, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../db/database';
import { rawRows } from '../db/raw-rows';
import { auditChain, auditEvents, type AuditChainRow, type AuditEventRow } from '../db/schema';

/** Whether any event waits after the newest link: one statement, what an idle sealer sends each tick. */
export async function hasUnsealedEvents(db: Database): Promise<boolean> {
  const [row] = rawRows<{ pending: boolean }>(
    await db.execute(sql`
      select exists (
        select 1 from ${auditEvents}
         where ${auditEvents.id} > coalesce(
           (select ${auditChain.eventId} from ${auditChain} order by ${auditChain.position} desc limit 1), 0)
      ) as pending`),
  );
  return row?.pending === true;
}

/** The newest link, or undefined before the first event is sealed. */
export async function readChainHead(db: Database): Promise<AuditChainRow | undefined> {
  const [head] = await db.select().from(auditChain).orderBy(desc(auditChain.position)).limit(1);
  return head;
}

/** Committed events after `afterId`, oldest first. */
export async function readEventsAfter(db: Database, afterId: number, limit: number): Promise<AuditEventRow[]> {
  return db.select().from(auditEvents).where(gt(auditEvents.id, afterId)).orderBy(asc(auditEvents.id)).limit(limit);
}

/**
 * One statement, so all or nothing. Positions are the primary key: when another sealer appended
 * after the same head first, this fails with a unique violation and appends nothing.
 */
export async function appendLinks(db: Database, links: AuditChainRow[]): Promise<void> {
  if (links.length > 0) await db.insert(auditChain).values(links);
}

/** Links after `afterPosition` up to `lastPosition`, in chain order. */
export async function readLinks(
  db: Database,
  afterPosition: number,
  lastPosition: number,
  limit: number,
): Promise<AuditChainRow[]> {
  return db
    .select()
    .from(auditChain)
    .where(and(gt(auditChain.position, afterPosition), lte(auditChain.position, lastPosition)))
    .orderBy(asc(auditChain.position))
    .limit(limit);
}

/** Events after `afterId` up to `lastId`, oldest first. */
export async function readEventsBetween(
  db: Database,
  afterId: number,
  lastId: number,
  limit: number,
): Promise<AuditEventRow[]> {
  return db
    .select()
    .from(auditEvents)
    .where(and(gt(auditEvents.id, afterId), lte(auditEvents.id, lastId)))
    .orderBy(asc(auditEvents.id))
    .limit(limit);
}

export async function countEventsAfter(db: Database, afterId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(auditEvents).where(gt(auditEvents.id, afterId));
  return row?.n ?? 0;
}

export interface ExportRange {
  /** Events at or after this instant. */
  since?: Date;
  /** Events before this instant. */
  until?: Date;
}

export interface ExportedRow {
  event: AuditEventRow;
  link: AuditChainRow | null;
  /** The link before this event's: what an external store needs to check the first line it got. */
  previousLink: string | null;
}

const previous = alias(auditChain, 'previous');

/** Events in id order with their links, after `afterId`, within `range`. */
export async function readEventsWithLinks(
  db: Database,
  range: ExportRange,
  afterId: number,
  limit: number,
): Promise<ExportedRow[]> {
  const conditions: SQL[] = [gt(auditEvents.id, afterId)];
  if (range.since) conditions.push(gte(auditEvents.at, range.since));
  if (range.until) conditions.push(lt(auditEvents.at, range.until));
  const rows = await db
    .select({ event: auditEvents, link: auditChain, previousLink: previous.link })
    .from(auditEvents)
    .leftJoin(auditChain, eq(auditChain.eventId, auditEvents.id))
    .leftJoin(previous, eq(previous.position, sql`${auditChain.position} - 1`))
    .where(and(...conditions))
    .orderBy(asc(auditEvents.id))
    .limit(limit);
  return rows;
}
