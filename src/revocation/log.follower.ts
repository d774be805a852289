import type { RevocationNotice } from './revocation.notice';
import type { BusSubscriber } from './bus/revocation-bus';

/** Entries read per statement while catching up. */
export const CATCH_UP_PAGE = 1000;
/** Deliveries held while a snapshot loads, beyond which the reload reads them from the log instead. */
const MAX_HELD = 10_000;

export interface LogRead {
  head: number;
  notices: RevocationNotice[];
  /** Entries committed but not numbered yet. */
  pending: boolean;
}

export interface FollowerHooks {
  readLog(afterVersion: number, limit: number): Promise<LogRead>;
  /** Called with each version in order, once. */
  apply(notice: RevocationNotice): void;
  /** The log no longer holds the versions after this instance's: everything must be loaded again. */
  reload(why: string): void;
  /** Entries stayed unnumbered across two reads (their sequencer crashed): number them here. */
  sequencePending(): void;
  /** A read found the head: the bus learns from it whether its deliveries keep up. */
  headRead(head: number): void;
  /** The bus reported trouble; the follower reads the log meanwhile. */
  trouble(why: string, error?: unknown): void;
  /** The bus delivered a version: it works again, if it was in trouble. */
  delivered(): void;
}

/**
 * Applies the revocation log in version order from whatever delivers it: the bus (which may drop,
 * repeat or reorder) and the follower's own reads of the log, which fill every gap. Knows when it
 * last proved it was current: a read of the log that started at that instant found nothing newer.
 */
export class LogFollower implements BusSubscriber {
  private version = 0;
  private following = false;
  private readonly held = new Map<number, RevocationNotice>();
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private pendingSeen = false;
  /** `performance.now()` when a read of the log last found this instance current; -Infinity before. */
  provenCurrentAt = Number.NEGATIVE_INFINITY;
  catchUps = 0;

  constructor(private readonly hooks: FollowerHooks) {}

  appliedVersion(): number {
    return this.version;
  }

  deliver(notice: RevocationNotice): void {
    this.hooks.delivered();
    if (notice.version <= this.version) return;
    if (!this.following) {
      if (this.held.size < MAX_HELD) this.held.set(notice.version, notice);
      return;
    }
    if (notice.version === this.version + 1) {
      this.applyNext(notice);
      this.applyHeld();
      return;
    }
    this.held.set(notice.version, notice);
    void this.read();
  }

  trouble(why: string, error?: unknown): void {
    this.hooks.trouble(why, error);
  }

  /** A snapshot holding every version up to `version` was read from a transaction begun at `startedAt`. */
  followFrom(version: number, startedAt: number): void {
    this.version = version;
    this.following = true;
    this.provenCurrentAt = Math.max(this.provenCurrentAt, startedAt);
    this.applyHeld();
  }

  /** Stops applying until the next `followFrom`; deliveries meanwhile are held. */
  pause(): void {
    this.following = false;
  }

  /** Reads the log after the applied version until it is current; concurrent callers share reads. */
  read(): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = this.readUntilCurrent().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async readUntilCurrent(): Promise<void> {
    do {
      this.readAgain = false;
      await this.readOnce();
    } while (this.shouldReadAgain());
  }

  private async readOnce(): Promise<void> {
    const startedAt = performance.now();
    for (let first = true; this.following; first = false) {
      const { head, notices, pending } = await this.hooks.readLog(this.version, CATCH_UP_PAGE);
      if (!this.isFollowing()) return;
      if (first) this.notePending(pending, head);
      const fresh = notices.filter((notice) => notice.version > this.version);
      // Deliveries applied these while the read was under way: read on from the new version.
      if (fresh.length === 0 && notices.length > 0) continue;
      const next = fresh[0];
      if (next === undefined ? head > this.version : next.version !== this.version + 1) {
        this.pause();
        this.hooks.reload(`versions ${this.version + 1} to ${head} are no longer in the revocation log`);
        return;
      }
      if (fresh.length > 0 && first) this.catchUps += 1;
      for (const notice of fresh) if (notice.version === this.version + 1) this.applyNext(notice);
      if (this.version >= head) {
        this.provenCurrentAt = Math.max(this.provenCurrentAt, startedAt);
        this.applyHeld();
        return;
      }
    }
  }

  /** Methods, so that the compiler does not assume these flags unchanged across an await. */
  private isFollowing(): boolean {
    return this.following;
  }

  private shouldReadAgain(): boolean {
    return this.readAgain && this.following;
  }

  private notePending(pending: boolean, head: number): void {
    this.hooks.headRead(head);
    if (pending && this.pendingSeen) this.hooks.sequencePending();
    this.pendingSeen = pending;
  }

  private applyNext(notice: RevocationNotice): void {
    this.version = notice.version;
    this.hooks.apply(notice);
  }

  private applyHeld(): void {
    for (let next = this.held.get(this.version + 1); next && this.following; next = this.held.get(this.version + 1)) {
      this.held.delete(next.version);
      this.applyNext(next);
    }
    for (const version of this.held.keys()) if (version <= this.version) this.held.delete(version);
    if (this.held.size > 0 && this.following) void this.read();
  }
}
