import type { Clock } from '../clock';
import type { Database } from '../db/database';
import type { AuditChainRow } from '../db/schema';
import { GENESIS_LINK, nextLink } from './audit-chain';
import { isUniqueViolation } from '../db/errors';
import { SingleRun } from '../single-run';
import { appendLinks, hasUnsealedEvents, readChainHead, readEventsAfter } from './audit-chain.store';

export interface SealerOptions {
  /** How often committed events are sealed. */
  intervalMs: number;
  /**
   * How long a missing id may still be filled by a transaction in flight before the chain goes
   * past it. Ids come from a sequence when an event is inserted, not when it commits: event 8 can
   * commit while 7 is still in flight, or 7 may never commit (a rolled-back transaction).
   */
  gapGraceMs: number;
  /** Events sealed per transaction. */
  batchSize: number;
  onGapSkipped(fromId: number, toId: number): void;
  onError(message: string, error: unknown): void;
}

/** One sealing transaction's outcome: how many it sealed, and whether more events are waiting. */
interface Batch {
  sealed: number;
  more: boolean;
}

/**
 * Seals committed audit events into the hash chain, in id order, in the background: the requests
 * that write events take no lock and wait for nothing (a login writes one). Sealers of several
 * instances need no lock either: each appends after the head it read, in one statement, and the
 * one that comes second finds the positions taken, appends nothing and reads again on its next
 * tick. No transaction: the embedded database serves requests between the sealer's statements.
 * One run at a time per instance: callers during a run share the next one.
 */
export class AuditSealer {
  private readonly runs = new SingleRun(() => this.runOnce());
  private timer: NodeJS.Timeout | undefined;
  /** When this sealer first saw each gap still open, by the gap's first id. */
  private readonly gapsSeenAtMs = new Map<number, number>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly options: SealerOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.seal(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.runs.settled();
  }

  /** Seals every event committed before the call that the chain can take now; resolves with how many; never rejects. */
  seal(): Promise<number> {
    return this.runs.run();
  }

  private async runOnce(): Promise<number> {
    let sealed = 0;
    try {
      // Most ticks find nothing: one read, and no transaction for the embedded database to queue behind.
      if (!(await hasUnsealedEvents(this.db))) return 0;
      for (;;) {
        const batch = await this.sealBatch();
        sealed += batch.sealed;
        if (!batch.more) return sealed;
      }
    } catch (error) {
      // The events are committed; the next run seals them.
      this.options.onError('audit events could not be sealed', error);
      return sealed;
    }
  }

  private async sealBatch(): Promise<Batch> {
    const head = await readChainHead(this.db);
    const events = await readEventsAfter(this.db, head?.eventId ?? 0, this.options.batchSize);
    const nowMs = this.clock();
    const links: AuditChainRow[] = [];
    let link = head?.link ?? GENESIS_LINK;
    let position = head?.position ?? 0;
    let expectedId = (head?.eventId ?? 0) + 1;
    let blocked = false;
    for (const event of events) {
      if (event.id !== expectedId) {
        // Every gap of the batch starts its wait now, so old gaps (before this sealer ran) pass together.
        if (!this.gapSettled(expectedId, nowMs)) blocked = true;
        else if (!blocked) this.options.onGapSkipped(expectedId, event.id - 1);
      }
      expectedId = event.id + 1;
      if (blocked) continue;
      link = nextLink(link, event);
      position += 1;
      links.push({ position, eventId: event.id, link, sealedAt: new Date(nowMs) });
    }
    try {
      await appendLinks(this.db, links);
    } catch (error) {
      // Another instance sealed after the same head first; what it sealed needs no sealing here.
      if (isUniqueViolation(error)) return { sealed: 0, more: false };
      throw error;
    }
    this.forgetGapsBefore(links.at(-1)?.eventId);
    return { sealed: links.length, more: !blocked && events.length === this.options.batchSize };
  }

  private gapSettled(fromId: number, nowMs: number): boolean {
    const seenAtMs = this.gapsSeenAtMs.get(fromId);
    if (seenAtMs === undefined) {
      this.gapsSeenAtMs.set(fromId, nowMs);
      return this.options.gapGraceMs === 0;
    }
    return nowMs - seenAtMs >= this.options.gapGraceMs;
  }

  private forgetGapsBefore(eventId: number | undefined): void {
    if (eventId === undefined) return;
    for (const fromId of this.gapsSeenAtMs.keys()) if (fromId <= eventId) this.gapsSeenAtMs.delete(fromId);
  }
}
