import type { UnverifiedClaims } from '../auth/claims';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { withTimeout } from '../timeout';
import type { BusMode, RevocationBusName } from './bus/revocation-bus';
import type { RevocationChanges } from './revocation.notice';
import { revocationOf, type Revoked } from './revocation.rule';
import { findRevocationFacts } from './revocation.store';
import type { RevocationStateSource } from './revocation-state.source';
import { RevocationWatchers, type RevocationWatcher } from './revocation.watchers';

export type { Revoked } from './revocation.rule';

/** What the metrics and the readiness probe read from a check. */
export interface RevocationCheckStatus {
  strategy: 'mirror' | 'database';
  /** False while a mirror may have missed a revocation; requests are then checked in the database. */
  synced: boolean;
  /** Active blacklisted jtis held in memory (0 for the database strategy). */
  size: number;
  usersWithCutoff: number;
  sessionsWithCutoff: number;
  /** Milliseconds from sending the last notification received to applying it. */
  lastNotificationLagMs: number | null;
  /** A mirror's bus and how it learns of new versions now. */
  bus?: RevocationBusName;
  busMode?: BusMode;
  /** The newest log version the mirror has applied, every lower one with it. */
  appliedVersion?: number;
  /** Since a read of the log last found the mirror current; null before the first. */
  sinceCurrentMs?: number | null;
  /** Reads of the log that found versions to apply, and complete loads of the revocation state. */
  logCatchUps?: number;
  fullReloads?: number;
}

/**
 * The one question the request pipeline asks before verifying a token. Implementations may
 * answer from the database or from memory; the pipeline does not know which.
 */
export interface RevocationCheck {
  isRevoked(claims: UnverifiedClaims): Promise<Revoked | null>;
  /** Changes this instance has just committed, applied before the revoking request answers. */
  applyCommitted(changes: RevocationChanges[]): void;
  /** Tells `watcher` of revocations as they take effect here; returns a function that stops telling. */
  watch(watcher: RevocationWatcher): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): RevocationCheckStatus;
  /** The state held in memory, for the revocation event stream; null when there is none (the database strategy). */
  stateSource(): RevocationStateSource | null;
}

/** A check that has not answered by then is treated as failed: the request gets a 503, not a hang. */
export const CHECK_TIMEOUT_MS = 2000;

/** One query per request against the source of truth. */
export class DatabaseRevocationCheck implements RevocationCheck {
  private readonly watchers = new RevocationWatchers();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async isRevoked(claims: UnverifiedClaims): Promise<Revoked | null> {
    const facts = await withTimeout(
      findRevocationFacts(this.db, { jti: claims.jti, userId: claims.sub, sessionId: claims.sid, kid: claims.kid }),
      CHECK_TIMEOUT_MS,
      'revocation check',
    );
    return revocationOf(claims, facts, this.clock());
  }

  /** The database already holds every committed change; only the watchers need telling. */
  applyCommitted(changes: RevocationChanges[]): void {
    for (const change of changes) this.watchers.committed(change);
  }

  watch(watcher: RevocationWatcher): () => void {
    return this.watchers.add(watcher);
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  stateSource(): null {
    return null;
  }

  status(): RevocationCheckStatus {
    return {
      strategy: 'database',
      synced: true,
      size: 0,
      usersWithCutoff: 0,
      sessionsWithCutoff: 0,
      lastNotificationLagMs: null,
    };
  }
}
