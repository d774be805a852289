import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { withTimeout } from '../timeout';
import type { RevocationCheck } from './revocation.check';
import type { RevocationChanges } from './revocation.notice';
import { revocationOf } from './revocation.rule';
import type { StatusEntry, StatusIndexAllocator } from './status-list.allocator';
import { ListBits } from './status-list.bits';
import {
  findLiveLists,
  findStatusEntryFacts,
  type EntryFilter,
  type ListSummary,
  type StatusEntryFacts,
} from './status-list.store';

/** Where lists are served, under the issuer URL. */
export const STATUS_LISTS_PATH = '/statuslists';

export interface StatusListServiceOptions {
  /** The issuer URL the lists' URIs start with. */
  baseUrl: string;
  accessTokenTtlSeconds: number;
  /** Without notices from other instances (REVOCATION_CHECK=database), every list is evaluated again this often. */
  rescanIntervalMs: number;
  onError(message: string, error: unknown): void;
}

/** A list as served: its bits and their version. */
export interface ListState {
  id: string;
  bits: ListBits;
}

/** Names per query: well under PostgreSQL's limit on parameters. */
const CHUNK = 1000;
/** Entries read per page when a whole list is evaluated. */
const PAGE = 10_000;
/** A token signed with a key just revoked may commit a moment after the revocation: look again then. */
const KEY_RECHECK_MS = [1000, 5000];
/** An unknown list id reads the lists again at most this often, so made-up ids cost one query a second. */
const UNKNOWN_LIST_RELOAD_MS = 1000;
const RETRY_MS = 1000;
/** How long a GET waits for revocations this instance has committed to reach the bits. */
const SETTLE_WAIT_MS = 2000;

/** Which lists to evaluate whole: all, these, or only those not held yet. */
type ListChoice = string[] | 'all' | 'new';
type Work = { kind: 'entries'; filter: Required<Omit<EntryFilter, 'list'>> } | { kind: 'lists'; ids: ListChoice };
/** How often the lists are read again: to learn of lists other instances opened and forget the ended. */
const LISTS_REFRESH_MS = 30_000;

const chunks = <T>(values: T[]): T[][] =>
  Array.from({ length: Math.ceil(values.length / CHUNK) }, (_, i) => values.slice(i * CHUNK, (i + 1) * CHUNK));

/**
 * The Token Status Lists of this instance: the bits of every live list, kept in memory and set as
 * revocations take effect here. A revocation names jtis, sessions, users or keys; the live tokens
 * they cover are read with the facts recorded against them, and `revocationOf` (the one rule)
 * decides each bit. Work is queued and merged, so a burst of revocations costs one query per kind.
 */
export class StatusListService {
  private readonly lists = new Map<string, ListBits>();
  /** What the database said of each list held, when last read: a full list's last block never changes. */
  private readonly summaries = new Map<string, ListSummary>();
  private queue: Work[] = [];
  private draining: Promise<void> | null = null;
  private stopped = false;
  private unwatch: (() => void) | null = null;
  private timers = new Set<NodeJS.Timeout>();
  private lastUnknownReloadMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly allocator: StatusIndexAllocator,
    private readonly options: StatusListServiceOptions,
  ) {}

  /**
   * Reads every live list and evaluates its tokens, then follows revocations as they take effect
   * here. `followsOtherInstances` is false without a mirror (no notices arrive): lists are then
   * evaluated again every `rescanIntervalMs`. `warm` reserves the first block of entries now.
   */
  async start(check: RevocationCheck, options: { followsOtherInstances: boolean; warm: boolean }): Promise<void> {
    this.stopped = false;
    this.unwatch = check.watch({
      committed: (changes) => this.changed(changes),
      notified: (notice) => this.changed(notice),
      // Versions missed meanwhile came in a snapshot, not as notices: evaluate everything again.
      synced: () => this.enqueue({ kind: 'lists', ids: 'all' }),
    });
    this.enqueue({ kind: 'lists', ids: 'all' });
    this.every(LISTS_REFRESH_MS, () => this.enqueue({ kind: 'lists', ids: 'new' }));
    if (!options.followsOtherInstances) {
      this.every(this.options.rescanIntervalMs, () => this.enqueue({ kind: 'lists', ids: 'all' }));
    }
    await Promise.all([this.allocator.start(options.warm), this.settled()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatch?.();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([this.allocator.stop(), this.draining?.catch(() => undefined)]);
  }

  /** An entry for a token being issued in `tx`, with the URI its `status` claim names. */
  async allocate(tx: Database): Promise<StatusEntry & { uri: string }> {
    const entry = await this.allocator.take(tx);
    return { ...entry, uri: this.uriOf(entry.listId) };
  }

  /** The list's URI: its id alone, random, under the issuer URL. */
  uriOf(id: string): string {
    return `${this.options.baseUrl}${STATUS_LISTS_PATH}/${id}`;
  }

  /**
   * The list, once the revocations this instance has committed are in its bits (waited for at most
   * a couple of seconds); null for an id no live list has.
   */
  async read(id: string): Promise<ListState | null> {
    await withTimeout(this.settled(), SETTLE_WAIT_MS, 'status list update').catch((error: unknown) =>
      this.options.onError('status list served before its update finished', error),
    );
    if (!this.lists.has(id) && this.clock() - this.lastUnknownReloadMs >= UNKNOWN_LIST_RELOAD_MS) {
      this.lastUnknownReloadMs = this.clock();
      this.enqueue({ kind: 'lists', ids: [id] });
      await withTimeout(this.settled(), SETTLE_WAIT_MS, 'status list load').catch(() => undefined);
    }
    const bits = this.lists.get(id);
    const summary = this.summaries.get(id);
    if (!bits || !summary) return null;
    if (summary.reserved >= summary.size && summary.lastReservedAt <= this.liveSince()) {
      // Full, and every token it may hold has expired: nothing left to tell anyone.
      this.forget(id);
      return null;
    }
    return { id, bits };
  }

  /** The ids of the lists whose tokens may still live. */
  async liveListIds(): Promise<string[]> {
    const lists = await findLiveLists(this.db, this.liveSince());
    return lists.map((list) => list.id);
  }

  private liveSince(): Date {
    return this.allocator.liveSince(this.options.accessTokenTtlSeconds);
  }

  private forget(id: string): void {
    this.lists.delete(id);
    this.summaries.delete(id);
  }

  /** Resolves once the queued work is done. */
  settled(): Promise<void> {
    return this.draining ?? Promise.resolve();
  }

  private changed(changes: RevocationChanges): void {
    const filter = {
      jtis: changes.jtis.map(([jti]) => jti),
      sessionIds: changes.sessions.map(([sessionId]) => sessionId),
      userIds: changes.cutoffs.map(([userId]) => userId),
      kids: (changes.keys ?? []).map(([kid]) => kid),
    };
    if (Object.values(filter).every((names) => names.length === 0)) return;
    this.enqueue({ kind: 'entries', filter });
    if (filter.kids.length > 0) {
      const kids = { jtis: [], sessionIds: [], userIds: [], kids: filter.kids };
      for (const delay of KEY_RECHECK_MS) this.after(delay, () => this.enqueue({ kind: 'entries', filter: kids }));
    }
  }

  private enqueue(work: Work): void {
    if (this.stopped) return;
    this.queue.push(work);
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.stopped) {
      const work = this.merge(this.queue.splice(0));
      try {
        if (work.lists !== null) await this.loadLists(work.lists);
        if (work.entries !== null) await this.evaluate(work.entries);
      } catch (error) {
        // Whatever this work would have set may be missing: evaluate everything again, later.
        this.options.onError('status lists could not be updated; retrying', error);
        this.after(RETRY_MS, () => this.enqueue({ kind: 'lists', ids: 'all' }));
      }
    }
  }

  /** Work queued meanwhile, as one query per kind of name and one read of the lists. */
  private merge(works: Work[]) {
    let lists: ListChoice | null = null;
    let entries: Required<Omit<EntryFilter, 'list'>> | null = null;
    for (const work of works) {
      if (work.kind === 'lists') {
        if (lists === 'all' || work.ids === 'all') lists = 'all';
        else if (work.ids === 'new') lists ??= 'new';
        else lists = [...(lists === 'new' || lists === null ? [] : lists), ...work.ids];
        continue;
      }
      entries ??= { jtis: [], sessionIds: [], userIds: [], kids: [] };
      for (const key of ['jtis', 'sessionIds', 'userIds', 'kids'] as const) entries[key].push(...work.filter[key]);
    }
    return { lists, entries };
  }

  /** Reads which lists live and evaluates every token of those chosen; forgets the lists that ended. */
  private async loadLists(choice: ListChoice): Promise<void> {
    const live = await findLiveLists(this.db, this.liveSince());
    const liveIds = new Set(live.map((list) => list.id));
    for (const id of this.lists.keys()) if (!liveIds.has(id)) this.forget(id);
    for (const list of live) {
      const known = this.lists.get(list.id);
      if (known) this.summaries.set(list.id, list);
      const chosen = choice === 'all' || (choice === 'new' ? !known : choice.includes(list.id));
      if (!chosen) continue;
      // Evaluated into a fresh copy, swapped in whole: a reader never sees a list half read.
      const bits = new ListBits(list.size);
      if (known) bits.bytes.set(known.bytes);
      await this.evaluateList(list.id, bits);
      const changed = bits.version > 0;
      bits.version = known ? known.version + (changed ? 1 : 0) : 1;
      this.lists.set(list.id, bits);
      this.summaries.set(list.id, list);
    }
  }

  private async evaluateList(id: string, bits: ListBits): Promise<void> {
    for (let afterIdx = -1; ; ) {
      const page = await findStatusEntryFacts(this.db, { list: { id, afterIdx, limit: PAGE } }, new Date(this.clock()));
      this.apply(page, () => bits);
      const last = page.at(-1);
      if (page.length < PAGE || last === undefined) return;
      afterIdx = last.idx;
    }
  }

  private async evaluate(filter: Required<Omit<EntryFilter, 'list'>>): Promise<void> {
    const unknown = new Set<string>();
    for (const key of ['jtis', 'sessionIds', 'userIds', 'kids'] as const) {
      for (const names of chunks([...new Set(filter[key])])) {
        const entries = await findStatusEntryFacts(this.db, { [key]: names }, new Date(this.clock()));
        this.apply(entries, (listId) => {
          const bits = this.lists.get(listId);
          if (!bits) unknown.add(listId);
          return bits;
        });
      }
    }
    // A list opened by another instance since the lists were read: read it whole, facts included.
    if (unknown.size > 0) await this.loadLists([...unknown]);
  }

  private apply(entries: StatusEntryFacts[], bitsOf: (listId: string) => ListBits | undefined): void {
    const now = this.clock();
    for (const entry of entries) {
      if (revocationOf({ issuedAtMs: entry.issuedAtMs }, entry.facts, now) !== null)
        bitsOf(entry.listId)?.set(entry.idx);
    }
  }

  private after(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private every(ms: number, run: () => void): void {
    this.after(ms, () => {
      run();
      if (!this.stopped) this.every(ms, run);
    });
  }
}
