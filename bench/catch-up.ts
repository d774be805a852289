import { randomUUID } from 'node:crypto';
import { openDatabase, type Database } from '../src/db/client';
import { CATCH_UP_PAGE, LogFollower } from '../src/revocation/log.follower';
import { loadSnapshot } from '../src/revocation/mirror.snapshot';
import {
  appendToLog,
  readLogAfter,
  readLogHead,
  sequencePending,
  type LogEntry,
} from '../src/revocation/revocation-log.store';
import { RevocationMirror } from '../src/revocation/revocation.mirror';
import { targetOf, type BenchDatabase } from './fleet';
import { seedRevocations } from './seed';

export interface CatchUpResult {
  /** Log versions the instance had not applied. */
  missed: number;
  /** From the read that found the head to the last of them applied, reading `pageSize` versions a statement. */
  catchUpMs: number;
  pageSize: number;
  /** Active blacklist rows a full reload read, and how long `loadSnapshot` took. */
  reloadRevocations: number;
  reloadMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Log entries per insert: four parameters each, well under PostgreSQL's 65 535. */
const APPEND_BATCH = 5000;

/** Logs `count` jti revocations the way revoking transactions do, then numbers them as the sequencer does. */
async function logRevocations(db: Database, count: number): Promise<void> {
  const now = Date.now();
  for (let done = 0; done < count; done += APPEND_BATCH) {
    const entries: LogEntry[] = Array.from({ length: Math.min(APPEND_BATCH, count - done) }, () => ({
      changes: { reason: 'seeded by the bench', jtis: [[randomUUID(), now + DAY_MS]], cutoffs: [], sessions: [] },
      keepUntil: new Date(now + DAY_MS),
    }));
    await appendToLog(db, entries, new Date(now));
  }
  await sequencePending(db, now);
}

/**
 * What an instance that missed `missed` revocations pays to catch up from the log, against a full
 * reload of `reloadRevocations` active revocations. Both run the instances' own code in this
 * process: the log follower reading pages after its version, and `loadSnapshot`.
 */
export async function measureCatchUp(
  database: BenchDatabase,
  missed: number,
  reloadRevocations: number,
): Promise<CatchUpResult> {
  await seedRevocations(database, reloadRevocations);
  const handle = await openDatabase(targetOf(database));
  try {
    const { db } = handle;
    const from = await readLogHead(db);
    await logRevocations(db, missed);

    const mirror = new RevocationMirror();
    let reloadWhy: string | undefined;
    const follower = new LogFollower({
      readLog: (after, limit) => readLogAfter(db, after, limit),
      apply: (notice) => mirror.apply(notice),
      reload: (why) => (reloadWhy = why),
      sequencePending: () => undefined,
      headRead: () => undefined,
      trouble: () => undefined,
      delivered: () => undefined,
    });
    follower.followFrom(from, performance.now());
    const started = performance.now();
    await follower.read();
    const catchUpMs = performance.now() - started;
    if (reloadWhy !== undefined || follower.appliedVersion() !== from + missed || mirror.size !== missed) {
      throw new Error(
        `catch-up applied version ${follower.appliedVersion()} (${mirror.size} jtis), ` +
          `expected ${from + missed}${reloadWhy === undefined ? '' : `; it asked for a reload: ${reloadWhy}`}`,
      );
    }

    const reloaded = new RevocationMirror();
    const reloadStarted = performance.now();
    await loadSnapshot(db, reloaded, Date.now());
    const reloadMs = performance.now() - reloadStarted;
    if (reloaded.size !== reloadRevocations) {
      throw new Error(`the full reload found ${reloaded.size} revocations, expected ${reloadRevocations}`);
    }
    return { missed, catchUpMs, pageSize: CATCH_UP_PAGE, reloadRevocations, reloadMs };
  } finally {
    await handle.close();
  }
}
