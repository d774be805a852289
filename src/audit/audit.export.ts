import type { Database } from '../db/database';
import { GENESIS_LINK } from './audit-chain';
import { readEventsWithLinks, type ExportedRow, type ExportRange } from './audit-chain.store';

const PAGE = 1000;

/**
 * One exported event: its fields as the chain hashes them, and its seal. `seal.previous` and
 * `seal.link` let a store that receives the lines check each one on its own
 * (`link = sha256(previous + "\n" + canonical)`) and the lines against each other.
 */
export interface ExportedEvent {
  id: number;
  at: string;
  action: string;
  actorId: string | null;
  targetUserId: string | null;
  targetJti: string | null;
  targetSessionId: string | null;
  reason: string | null;
  /** Null while the event waits for the sealer. */
  seal: { position: number; previous: string; link: string; sealedAt: string } | null;
}

function exported({ event, link, previousLink }: ExportedRow): ExportedEvent {
  return {
    id: event.id,
    at: event.at.toISOString(),
    action: event.action,
    actorId: event.actorId,
    targetUserId: event.targetUserId,
    targetJti: event.targetJti,
    targetSessionId: event.targetSessionId,
    reason: event.reason,
    seal: link && {
      position: link.position,
      previous: link.position === 1 ? GENESIS_LINK : (previousLink ?? ''),
      link: link.link,
      sealedAt: link.sealedAt.toISOString(),
    },
  };
}

/** The events in `range`, oldest first, with their seals, read a page at a time. */
export async function* exportAuditEvents(db: Database, range: ExportRange): AsyncGenerator<ExportedEvent> {
  let afterId = 0;
  for (;;) {
    const rows = await readEventsWithLinks(db, range, afterId, PAGE);
    for (const row of rows) yield exported(row);
    const last = rows.at(-1);
    if (rows.length < PAGE || last === undefined) return;
    afterId = last.event.id;
  }
}
