import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { appendToLog, type LogEntry } from './revocation-log.store';
import { splitChanges, type RevocationChanges } from './revocation.notice';
import type { LogSequencer } from './log.sequencer';

/** A transaction that revokes: its changes are logged in it and announced to every instance after it commits. */
export interface RevokingTx {
  db: Database;
  /** Records changes; they are appended to the revocation log at the end of the transaction. */
  announce(changes: RevocationChanges): void;
}

/**
 * Log entries stay at least this long, whatever they revoke, so that an instance cut off for a
 * while catches up from the log instead of reloading everything.
 */
export const LOG_MIN_RETENTION_MS = 60 * 60 * 1000;

/** When no token these changes refuse can still be valid: the log may forget them then. */
export function keepUntil(changes: RevocationChanges, nowMs: number, accessTokenTtlMs: number): Date {
  let until = nowMs + LOG_MIN_RETENTION_MS;
  for (const [, expiresAtMs] of changes.jtis) until = Math.max(until, expiresAtMs);
  for (const [, , untilMs] of changes.sessions) until = Math.max(until, untilMs);
  // A token issued before a cutoff or signed by a key before its revocation expires one lifetime later.
  for (const [, cutoffMs] of changes.cutoffs) until = Math.max(until, cutoffMs + accessTokenTtlMs);
  for (const [, revokedAtMs] of changes.keys ?? []) until = Math.max(until, revokedAtMs + accessTokenTtlMs);
  return new Date(until);
}

export interface RevocationWriterOptions {
  accessTokenTtlSeconds: number;
  /** The committed changes, so that the instance that revoked enforces them before it answers. */
  onCommitted(changes: RevocationChanges[]): void;
}

/**
 * Runs revoking transactions. Each appends its changes to the revocation log without a version and
 * takes no lock that other revocations wait for; after the commit the sequencer numbers the new
 * entries and the bus announces them.
 */
export class RevocationWriter {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly sequencer: LogSequencer,
    private readonly options: RevocationWriterOptions,
  ) {}

  async run<T>(work: (tx: RevokingTx) => Promise<T>): Promise<T> {
    const announced: RevocationChanges[] = [];
    const result = await this.db.transaction(async (db) => {
      const value = await work({
        db,
        announce: (changes) => {
          announced.push(changes);
        },
      });
      const nowMs = this.clock();
      const ttlMs = this.options.accessTokenTtlSeconds * 1000;
      const entries: LogEntry[] = announced
        .flatMap(splitChanges)
        .map((changes) => ({ changes, keepUntil: keepUntil(changes, nowMs, ttlMs) }));
      await appendToLog(db, entries, new Date(nowMs));
      return value;
    });
    if (announced.length > 0) {
      this.options.onCommitted(announced);
      await this.sequencer.sequence();
    }
    return result;
  }
}
