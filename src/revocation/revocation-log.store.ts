import { and, gt, isNotNull, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/database';
import { rawRows } from '../db/raw-rows';
import { revocationFeed, revocationLog } from '../db/schema';
import { noticeFrom, type RevocationChanges, type RevocationNotice } from './revocation.notice';

const FEED_ROW = 1;
/** `pg_advisory_xact_lock` key the sequencers take turns on: 'TWlg' (Token Warden log). */
const SEQUENCER_LOCK = 0x54576c67;

/** The newest version, 0 before the first: the sequencer numbers after it, readers compare with it. */
const HEAD = sql`coalesce((select ${revocationFeed.version} from ${revocationFeed} where ${revocationFeed.id} = ${FEED_ROW}), 0)`;

export interface LogEntry {
  changes: RevocationChanges;
  /** When no token the changes refuse can still be valid. */
  keepUntil: Date;
}

/** Appends entries with no version: the revoking transaction takes no lock another must wait for. */
export async function appendToLog(db: Database, entries: readonly LogEntry[], now: Date): Promise<void> {
  if (entries.length === 0) return;
  await db.insert(revocationLog).values(
    entries.map((entry) => ({
      changes: entry.changes as unknown as Record<string, unknown>,
      createdAt: now,
      keepUntil: entry.keepUntil,
    })),
  );
}

interface NumberedRow extends Record<string, unknown> {
  version: string | number;
  changes: unknown;
  sequenced_ms: string | number;
}

function noticeOf(row: NumberedRow): RevocationNotice | null {
  // jsonb comes back parsed from both drivers; a string is parsed here, once.
  const changes: unknown = typeof row.changes === 'string' ? JSON.parse(row.changes) : row.changes;
  if (typeof changes !== 'object' || changes === null) return null;
  return noticeFrom({ ...changes, version: Number(row.version), sentAtMs: Number(row.sequenced_ms) });
}

function noticesOf(rows: NumberedRow[]): RevocationNotice[] {
  const notices: RevocationNotice[] = [];
  for (const row of rows) {
    const notice = noticeOf(row);
    if (!notice) throw new Error(`revocation log entry ${String(row.version)} cannot be read`);
    notices.push(notice);
  }
  return notices;
}

/**
 * Numbers every committed entry that has no version yet, after the newest version, and raises the
 * head. Sequencers take turns on a transaction-scoped advisory lock (it works through transaction
 * poolers) and commit before the next one reads the head, so versions are gapless and a reader
 * that sees a version sees every lower one. Returns the entries it numbered, oldest first.
 */
export async function sequencePending(db: Database, nowMs: number): Promise<RevocationNotice[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEQUENCER_LOCK})`);
    const rows = rawRows<NumberedRow>(
      await tx.execute(sql`
        with head as (
          select ${HEAD} as v
        ), pending as (
          select id, row_number() over (order by id) as n from ${revocationLog} where version is null
        )
        update ${revocationLog} as l
           set version = head.v + pending.n, sequenced_at = to_timestamp(${nowMs}::double precision / 1000)
          from pending, head
         where l.id = pending.id
        returning l.version, l.changes, ${nowMs}::bigint as sequenced_ms`),
    );
    if (rows.length === 0) return [];
    const notices = noticesOf(rows).sort((a, b) => a.version - b.version);
    const newest = notices[notices.length - 1]?.version ?? 0;
    await tx
      .insert(revocationFeed)
      .values({ id: FEED_ROW, version: newest })
      .onConflictDoUpdate({ target: revocationFeed.id, set: { version: newest } });
    return notices;
  });
}

export async function readLogHead(db: Database): Promise<number> {
  const [row] = await db.select({ version: revocationFeed.version }).from(revocationFeed);
  return row?.version ?? 0;
}

/**
 * The head, whether entries wait for a version, and up to `limit` entries after `afterVersion`,
 * oldest first: one statement, what a follower sends on every read.
 */
export async function readLogAfter(
  db: Database,
  afterVersion: number,
  limit: number,
): Promise<{ head: number; notices: RevocationNotice[]; pending: boolean }> {
  const rows = rawRows<
    Omit<NumberedRow, 'version'> & { version: string | number | null; head: string | number; pending: boolean }
  >(
    await db.execute(sql`
      select ${HEAD} as head,
             exists (select 1 from ${revocationLog} where version is null) as pending,
             l.version, l.changes, (extract(epoch from l.sequenced_at) * 1000)::bigint as sequenced_ms
        from (select 1) as one
        left join lateral (
          select version, changes, sequenced_at from ${revocationLog}
           where version > ${afterVersion} order by version limit ${limit}
        ) as l on true`),
  );
  const head = Number(rows[0]?.head ?? 0);
  const pending = rows[0]?.pending === true;
  const logged = rows.filter((row): row is NumberedRow & typeof row => row.version !== null);
  return { head, pending, notices: noticesOf(logged) };
}

/**
 * Deletes the oldest entries no token can still need: a prefix of the versions, so that the log
 * stays gapless and a follower behind its first version knows to reload everything.
 */
export async function pruneLog(db: Database, now: Date): Promise<number> {
  const needed = db
    .select({ first: sql<number>`min(${revocationLog.version})` })
    .from(revocationLog)
    .where(and(isNotNull(revocationLog.version), gt(revocationLog.keepUntil, now)));
  const deleted = await db
    .delete(revocationLog)
    .where(
      and(
        isNotNull(revocationLog.version),
        lte(revocationLog.keepUntil, now),
        sql`${revocationLog.version} < coalesce((${needed}), 'infinity'::numeric)`,
      ),
    )
    .returning({ id: revocationLog.id });
  return deleted.length;
}
