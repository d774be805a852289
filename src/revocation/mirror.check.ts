import type { UnverifiedClaims } from '../auth/claims';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { sleep, withTimeout } from '../timeout';
import type { RevocationBus } from './bus/revocation-bus';
import { LogFollower, type LogRead } from './log.follower';
import { CHECK_TIMEOUT_MS, type RevocationCheck, type RevocationCheckStatus, type Revoked } from './revocation.check';
import type { RevocationStateSource } from './revocation-state.source';
import { RevocationMirror } from './revocation.mirror';
import type { RevocationChanges, RevocationNotice } from './revocation.notice';
import { loadSnapshot } from './mirror.snapshot';
import { RevocationWatchers, type RevocationWatcher } from './revocation.watchers';

export interface MirrorOptions {
  /** How often the log is read while the bus delivers. */
  headCheckIntervalMs: number;
  /** How often the log is read while it does not (`poll` mode). */
  pollIntervalMs: number;
  /** Past this long without proof that it is current, the mirror is not trusted. */
  maxStalenessMs: number;
  /** How often expired jtis are dropped from memory. */
  sweepIntervalMs: number;
  readLog(afterVersion: number, limit: number): Promise<LogRead>;
  /** Numbers log entries that a crashed sequencer left. */
  sequencePending(): void;
  onError(message: string, error: unknown): void;
}

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;
/** How often staleness is looked for, so that sockets and readiness follow it promptly. */
const STALENESS_WATCH_MS = 100;

/**
 * Answers from memory while it is known to be current, from the database otherwise.
 *
 * Current means: a snapshot loaded, every log version since applied in order, and a read of the
 * log that found nothing newer begun less than `maxStalenessMs` ago. The bus brings versions
 * quickly; the follower's reads of the log fill what the bus drops and prove currency. Only a gap
 * the log no longer holds makes the mirror load everything again.
 */
export class MirrorRevocationCheck implements RevocationCheck {
  private readonly mirror = new RevocationMirror();
  private readonly watchers = new RevocationWatchers();
  private readonly follower: LogFollower;
  private loaded = false;
  private trusted = false;
  private stopped = false;
  private lastLagMs: number | null = null;
  private reloading: Promise<void> | null = null;
  private timers: NodeJS.Timeout[] = [];
  private headTimer: NodeJS.Timeout | undefined;
  private fullReloads = 0;
  /** From the bus's report of trouble until it delivers again: the log is polled meanwhile. */
  private busInTrouble = false;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly fallback: RevocationCheck,
    private readonly bus: RevocationBus,
    private readonly options: MirrorOptions,
  ) {
    this.follower = new LogFollower({
      readLog: (after, limit) => this.readLog(after, limit),
      apply: (notice) => this.applyNotice(notice),
      reload: (why) => this.fallBehind(why, null),
      sequencePending: () => options.sequencePending(),
      headRead: (head) => bus.headRead?.(head),
      trouble: (why, error) => {
        options.onError(`revocation bus: ${why}; reading the log every REVOCATION_POLL_MS meanwhile`, error ?? null);
        this.busInTrouble = true;
        void this.follower.read().catch(() => undefined);
      },
      delivered: () => {
        this.busInTrouble = false;
      },
    });
  }

  isRevoked(claims: UnverifiedClaims): Promise<Revoked | null> {
    if (!this.isCurrent()) return this.fallback.isRevoked(claims);
    return Promise.resolve(this.mirror.lookup(claims, this.clock()));
  }

  applyCommitted(changes: RevocationChanges[]): void {
    for (const change of changes) {
      this.apply(change);
      this.watchers.committed(change);
    }
  }

  watch(watcher: RevocationWatcher): () => void {
    return this.watchers.add(watcher);
  }

  stateSource(): RevocationStateSource {
    return {
      // Read in one turn: every version up to the applied one is in the mirror by then.
      state: () => ({ version: this.follower.appliedVersion(), contents: this.mirror.contents() }),
      position: () => ({ version: this.follower.appliedVersion(), current: this.isCurrent() }),
      readLog: (after, limit) => this.readLog(after, limit),
      watch: (watcher) => this.watchers.add(watcher),
    };
  }

  async start(): Promise<void> {
    this.timers = [
      setInterval(() => this.mirror.dropExpired(this.clock()), this.options.sweepIntervalMs),
      setInterval(() => this.watchStaleness(), STALENESS_WATCH_MS),
    ];
    for (const timer of this.timers) timer.unref();
    // Subscribed before the snapshot: what commits after it is either in the snapshot or delivered.
    await this.bus.start(this.follower);
    await this.reload();
    this.scheduleHeadCheck();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.loaded = false;
    this.trusted = false;
    this.follower.pause();
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.headTimer);
    await this.reloading?.catch(() => undefined);
  }

  status(): RevocationCheckStatus {
    const sinceCurrentMs = performance.now() - this.follower.provenCurrentAt;
    return {
      strategy: 'mirror',
      synced: this.isCurrent(),
      size: this.mirror.size,
      usersWithCutoff: this.mirror.usersWithCutoff,
      sessionsWithCutoff: this.mirror.sessionsWithCutoff,
      lastNotificationLagMs: this.lastLagMs,
      bus: this.bus.name,
      busMode: this.bus.mode(),
      appliedVersion: this.follower.appliedVersion(),
      sinceCurrentMs: Number.isFinite(sinceCurrentMs) ? sinceCurrentMs : null,
      logCatchUps: this.follower.catchUps,
      fullReloads: this.fullReloads,
    };
  }

  /** Every read of the log, the follower's and a stream's, is bounded like a request's check. */
  private readLog(afterVersion: number, limit: number): Promise<LogRead> {
    return withTimeout(this.options.readLog(afterVersion, limit), CHECK_TIMEOUT_MS, 'revocation log read');
  }

  /** A method, so that the compiler does not assume the flag unchanged across an await. */
  private isStopped(): boolean {
    return this.stopped;
  }

  private isCurrent(): boolean {
    return this.loaded && performance.now() - this.follower.provenCurrentAt <= this.options.maxStalenessMs;
  }

  /** Tells the watchers when trust is lost (sockets close, readiness fails) and when it returns. */
  private watchStaleness(): void {
    const current = this.isCurrent();
    if (current === this.trusted || this.stopped) return;
    this.trusted = current;
    if (current) {
      this.watchers.synced();
    } else {
      this.options.onError('revocation mirror stale: not proven current within REVOCATION_MAX_STALENESS_MS', null);
      this.watchers.unsynced();
    }
  }

  private apply(changes: RevocationChanges): void {
    this.mirror.apply(changes);
    if (changes.purged) this.mirror.dropExpired(this.clock());
  }

  private applyNotice(notice: RevocationNotice): void {
    this.apply(notice);
    this.lastLagMs = Math.max(0, this.clock() - notice.sentAtMs);
    this.watchers.notified(notice);
  }

  private scheduleHeadCheck(): void {
    if (this.stopped) return;
    const polling = this.busInTrouble || this.bus.mode() === 'poll';
    const interval = polling ? this.options.pollIntervalMs : this.options.headCheckIntervalMs;
    this.headTimer = setTimeout(() => {
      void this.checkHead().finally(() => this.scheduleHeadCheck());
    }, interval);
    this.headTimer.unref();
  }

  private async checkHead(): Promise<void> {
    if (!this.loaded || this.reloading) return;
    try {
      await this.follower.read();
    } catch (error) {
      // Not proven current from now on: after maxStalenessMs requests go to the database.
      this.options.onError('revocation log could not be read', error);
    }
  }

  /** From now on requests are checked in the database, until everything has loaded again. */
  private fallBehind(why: string, error: unknown): void {
    if (this.stopped) return;
    if (this.loaded) {
      this.options.onError(`revocation mirror unsynced: ${why}`, error);
      this.loaded = false;
      this.watchStaleness();
    }
    void this.reload();
  }

  private reload(): Promise<void> {
    this.reloading ??= this.reloadUntilDone().finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  private async reloadUntilDone(): Promise<void> {
    let delay = RETRY_FIRST_MS;
    while (!this.stopped) {
      try {
        this.follower.pause();
        const startedAt = performance.now();
        const version = await loadSnapshot(this.db, this.mirror, this.clock());
        if (this.isStopped()) return;
        this.fullReloads += 1;
        this.follower.followFrom(version, startedAt);
        this.loaded = true;
        this.watchStaleness();
        return;
      } catch (error) {
        this.options.onError('revocation mirror load failed; retrying', error);
        await sleep(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }
}
