import type { UnverifiedClaims } from '../auth/claims';
import type { Clock } from '../clock';
import type { DatabaseHandle } from '../db/database';
import { sleep, withTimeout } from '../timeout';
import { CHECK_TIMEOUT_MS, type RevocationCheck, type RevocationCheckStatus, type Revoked } from './revocation.check';
import { readFeedVersion } from './revocation.feed';
import { RevocationMirror } from './revocation.mirror';
import { decodeNotice, REVOCATION_CHANNEL, type RevocationChanges } from './revocation.notice';
import { loadSnapshot } from './mirror.snapshot';
import { RevocationWatchers, type RevocationWatcher } from './revocation.watchers';

export interface MirrorOptions {
  /** How often the feed version in the database is compared with the mirror's. */
  reconcileIntervalMs: number;
  /** How often expired jtis are dropped from memory. */
  sweepIntervalMs: number;
  onError(message: string, error: unknown): void;
}

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

/**
 * Answers from memory while it is known to be current, from the database otherwise.
 *
 * Current means: listening, a snapshot loaded after the listener was up, and every notification
 * since applied in feed-version order. A lost listener, a gap in the versions, or a reconcile
 * that finds the database ahead for two rounds in a row makes it unsynced until a new snapshot
 * has loaded.
 */
export class MirrorRevocationCheck implements RevocationCheck {
  private readonly mirror = new RevocationMirror();
  private readonly watchers = new RevocationWatchers();
  private synced = false;
  private stopped = false;
  /** The feed version the mirror holds every change up to. */
  private version = 0;
  /** Versions that arrived while a snapshot was loading, checked against it afterwards. */
  private arrivedWhileLoading: number[] | null = null;
  /** A database version seen ahead of the mirror at the last reconcile. */
  private aheadAtLastReconcile: number | null = null;
  private lastLagMs: number | null = null;
  private stopListening: (() => Promise<void>) | undefined;
  private resyncing: Promise<void> | null = null;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly database: DatabaseHandle,
    private readonly clock: Clock,
    private readonly fallback: RevocationCheck,
    private readonly options: MirrorOptions,
  ) {}

  isRevoked(claims: UnverifiedClaims): Promise<Revoked | null> {
    if (!this.synced) return this.fallback.isRevoked(claims);
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

  async start(): Promise<void> {
    this.timers = [
      setInterval(() => void this.reconcile(), this.options.reconcileIntervalMs),
      setInterval(() => this.mirror.dropExpired(this.clock()), this.options.sweepIntervalMs),
    ];
    for (const timer of this.timers) timer.unref();
    await this.resync();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.synced = false;
    for (const timer of this.timers) clearInterval(timer);
    await this.resyncing?.catch(() => undefined);
    await this.dropListener();
  }

  status(): RevocationCheckStatus {
    return {
      strategy: 'mirror',
      synced: this.synced,
      size: this.mirror.size,
      usersWithCutoff: this.mirror.usersWithCutoff,
      sessionsWithCutoff: this.mirror.sessionsWithCutoff,
      lastNotificationLagMs: this.lastLagMs,
    };
  }

  private apply(changes: RevocationChanges): void {
    this.mirror.apply(changes);
    if (changes.purged) this.mirror.dropExpired(this.clock());
  }

  private onNotify(payload: string): void {
    const notice = decodeNotice(payload);
    if (!notice) {
      this.options.onError('ignored a revocation notice it cannot read', payload.slice(0, 200));
      return;
    }
    this.apply(notice);
    this.watchers.notified(notice);
    this.lastLagMs = Math.max(0, this.clock() - notice.sentAtMs);
    if (this.arrivedWhileLoading) {
      this.arrivedWhileLoading.push(notice.version);
      return;
    }
    if (!this.synced || notice.version <= this.version) return;
    if (notice.version === this.version + 1) {
      this.version = notice.version;
      return;
    }
    this.fallBehind('a revocation notice is missing', null);
  }

  /** From now on requests are checked in the database, until a fresh snapshot has loaded. */
  private fallBehind(why: string, error: unknown, dropListener = true): void {
    if (this.stopped) return;
    if (this.synced) {
      this.options.onError(`revocation mirror unsynced: ${why}`, error);
      this.synced = false;
      this.watchers.unsynced();
    }
    void this.resync(dropListener);
  }

  private resync(dropListener = false): Promise<void> {
    this.resyncing ??= this.resyncUntilDone(dropListener).finally(() => {
      this.resyncing = null;
    });
    return this.resyncing;
  }

  private async resyncUntilDone(dropListener: boolean): Promise<void> {
    if (dropListener) await this.dropListener();
    let delay = RETRY_FIRST_MS;
    while (!this.stopped) {
      try {
        await this.syncOnce();
        return;
      } catch (error) {
        this.options.onError('revocation mirror sync failed; retrying', error);
        await this.dropListener();
        await sleep(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  private async syncOnce(): Promise<void> {
    this.synced = false;
    // Listening before the snapshot starts: whatever commits after it is either in the snapshot or notified.
    this.stopListening ??= await this.database.listen(REVOCATION_CHANNEL, {
      onNotify: (payload) => this.onNotify(payload),
      onClose: () => {
        this.stopListening = undefined;
        this.fallBehind('the listening connection was lost', null, false);
      },
    });
    this.arrivedWhileLoading = [];
    let arrived: number[];
    try {
      this.version = await loadSnapshot(this.database.db, this.mirror, this.clock());
    } finally {
      arrived = this.arrivedWhileLoading.sort((a, b) => a - b);
      this.arrivedWhileLoading = null;
    }
    for (const version of arrived) {
      if (version === this.version + 1) this.version = version;
      else if (version > this.version + 1) throw new Error(`revocation notice ${this.version + 1} is missing`);
    }
    if (this.stopped) return;
    // The listener may have closed while the snapshot loaded (its onClose cleared it).
    if (!this.isListening()) throw new Error('the listening connection was lost while loading');
    this.aheadAtLastReconcile = null;
    this.synced = true;
    this.watchers.synced();
  }

  private isListening(): boolean {
    return this.stopListening !== undefined;
  }

  private async dropListener(): Promise<void> {
    const stop = this.stopListening;
    this.stopListening = undefined;
    await stop?.().catch(() => undefined);
  }

  /** Catches a listener that stopped delivering without closing: the database stays ahead. */
  private async reconcile(): Promise<void> {
    if (!this.synced || this.resyncing) return;
    let databaseVersion: number;
    try {
      databaseVersion = await withTimeout(readFeedVersion(this.database.db), CHECK_TIMEOUT_MS, 'reconcile');
    } catch (error) {
      this.fallBehind('the database cannot be reached', error);
      return;
    }
    if (this.aheadAtLastReconcile !== null && this.version < this.aheadAtLastReconcile) {
      this.fallBehind(`notices up to ${this.aheadAtLastReconcile} were not delivered`, null);
      return;
    }
    this.aheadAtLastReconcile = databaseVersion > this.version ? databaseVersion : null;
  }
}
