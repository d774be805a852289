import type { Database } from '../db/database';
import { pruneLog } from './revocation-log.store';
import { deleteDeadSessionBatch, deleteExpiredAccessTokenBatch, deleteExpiredBlacklistBatch } from './revocation.store';

/** Rows per DELETE: small enough that no statement holds locks for long on a big table. */
export const PURGE_BATCH_SIZE = 1000;

export interface PurgeCounts {
  blacklistedTokens: number;
  sessions: number;
  accessTokens: number;
  logEntries: number;
}

async function drain(deleteBatch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch();
    total += deleted;
    if (deleted < PURGE_BATCH_SIZE) return total;
  }
}

/**
 * Deletes expired blacklist entries, dead sessions and the revocation log entries no token needs,
 * batch by batch. The audit log is kept.
 */
export async function purgeExpired(db: Database, now: Date, accessTokenTtlSeconds: number): Promise<PurgeCounts> {
  const endedBefore = new Date(now.getTime() - accessTokenTtlSeconds * 1000);
  const blacklisted = await drain(() => deleteExpiredBlacklistBatch(db, now, PURGE_BATCH_SIZE));
  const sessions = await drain(() => deleteDeadSessionBatch(db, now, endedBefore, PURGE_BATCH_SIZE));
  const accessTokens = await drain(() => deleteExpiredAccessTokenBatch(db, now, PURGE_BATCH_SIZE));
  const logEntries = await pruneLog(db, now);
  return { blacklistedTokens: blacklisted, sessions, accessTokens, logEntries };
}

/** Runs `purge` every `intervalSeconds`, never two runs at once; returns a stop function. */
export function scheduleCleanup(
  intervalSeconds: number,
  purge: () => Promise<unknown>,
  onError: (error: unknown) => void,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    purge()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
