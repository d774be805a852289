import type { RevocationNotice } from '../revocation.notice';

/** The buses `REVOCATION_BUS` chooses from. */
export const REVOCATION_BUSES = ['postgres', 'nats', 'redis'] as const;
export type RevocationBusName = (typeof REVOCATION_BUSES)[number];

/** How an instance learns of new versions right now; `poll` when PostgreSQL notifications do not arrive. */
export type BusMode = 'notify' | 'poll' | 'nats' | 'redis';

/** Versions of the log after `afterVersion`, oldest first, at most `limit`; `head` is the newest version. */
export type LogReader = (afterVersion: number, limit: number) => Promise<{ head: number; notices: RevocationNotice[] }>;

/** What a bus delivers to: the instance's log follower. */
export interface BusSubscriber {
  /**
   * A logged change as the bus carries it. A bus may drop, repeat or reorder; the follower applies
   * in version order and reads the log for what is missing.
   */
  deliver(notice: RevocationNotice): void;
  /** The bus stopped delivering (connection lost, consumer failed); it keeps trying to recover by itself. */
  trouble(why: string, error?: unknown): void;
  /** The last version the instance applied: where a bus that keeps history resumes. */
  appliedVersion(): number;
}

/**
 * How instances learn of new log versions. The log in PostgreSQL is the record; a bus only carries
 * versions quickly, so a bus that loses messages costs latency, never a revocation.
 */
export interface RevocationBus {
  readonly name: RevocationBusName;
  mode(): BusMode;
  /** Subscribes; resolves once deliveries flow, or once the bus knows they do not (postgres: poll mode). */
  start(subscriber: BusSubscriber): Promise<void>;
  /**
   * Announces versions just sequenced, oldest first. Never throws and never makes the caller wait
   * for the bus: failures are reported, and a later publish or the followers' log reads fill the gap.
   */
  publish(notices: readonly RevocationNotice[]): void;
  /** The follower read the log head: a postgres bus learns from it whether notifications arrive. */
  headRead?(head: number): void;
  stop(): Promise<void>;
}
