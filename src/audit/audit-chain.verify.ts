import type { Database } from '../db/database';
import type { AuditChainRow } from '../db/schema';
import { GENESIS_LINK, nextLink } from './audit-chain';
import { countEventsAfter, readChainHead, readEventsBetween, readLinks } from './audit-chain.store';

const PAGE = 1000;

export type Tampering = 'changed' | 'removed' | 'inserted';

export type Verification =
  | {
      ok: true;
      /** Events whose links were recomputed and matched. */
      verified: number;
      /** The newest link, or null while nothing is sealed. */
      head: AuditChainRow | null;
      /** Events written after the newest link: not sealed yet, so not verified. */
      unsealed: number;
    }
  | {
      ok: false;
      /** Events that matched before the first break. */
      verified: number;
      kind: Tampering;
      /** The event changed, removed or slipped in; null when it went together with its link (unknown id). */
      eventId: number | null;
      message: string;
    };

/** Reads `read(after)` page by page, one row at a time. */
async function* paged<T>(read: (after: number) => Promise<T[]>, keyOf: (row: T) => number): AsyncGenerator<T> {
  let after = 0;
  for (;;) {
    const rows = await read(after);
    yield* rows;
    const last = rows.at(-1);
    if (rows.length < PAGE || last === undefined) return;
    after = keyOf(last);
  }
}

async function take<T>(rows: AsyncGenerator<T>): Promise<T | undefined> {
  const next = await rows.next();
  return next.done ? undefined : next.value;
}

/**
 * Recomputes the chain from the first link to the newest, walking the links (by position) and the
 * events up to the newest sealed one (by id) side by side. The first event that is not where the
 * chain says, or whose encoding no longer gives its link, is named. Events after the newest link
 * are waiting for the sealer; the sealer never seals below the newest link, so an unsealed event
 * there was slipped in.
 */
export async function verifyAuditChain(db: Database): Promise<Verification> {
  const head = (await readChainHead(db)) ?? null;
  const lastPosition = head?.position ?? 0;
  const headEventId = head?.eventId ?? 0;
  const links = paged(
    (after) => readLinks(db, after, lastPosition, PAGE),
    (link) => link.position,
  );
  const events = paged(
    (after) => readEventsBetween(db, after, headEventId, PAGE),
    (event) => event.id,
  );
  let verified = 0;
  let previous = GENESIS_LINK;
  let link = await take(links);
  let event = await take(events);
  let lastEventId = 0;
  const broken = (kind: Tampering, eventId: number | null, message: string): Verification => ({
    ok: false,
    verified,
    kind,
    eventId,
    message,
  });
  while (link !== undefined || event !== undefined) {
    if (link !== undefined && link.position !== verified + 1) {
      return broken(
        'removed',
        null,
        `an event after event ${lastEventId} was removed, with its link (chain position ${verified + 1} is missing)`,
      );
    }
    if (event !== undefined && (link === undefined || event.id < link.eventId)) {
      return broken('inserted', event.id, `event ${event.id} was inserted out of order: the chain has no link for it`);
    }
    if (link === undefined) break;
    if (event === undefined || link.eventId < event.id) {
      return broken(
        'removed',
        link.eventId,
        `event ${link.eventId} was removed: its link remains at position ${link.position}`,
      );
    }
    if (nextLink(previous, event) !== link.link) {
      return broken(
        'changed',
        event.id,
        `event ${event.id} was changed, or the link before it: its link at position ${link.position} no longer follows`,
      );
    }
    previous = link.link;
    lastEventId = event.id;
    verified += 1;
    link = await take(links);
    event = await take(events);
  }
  return { ok: true, verified, head, unsealed: await countEventsAfter(db, headEventId) };
}
