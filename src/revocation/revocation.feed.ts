import { sql } from 'drizzle-orm';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { revocationFeed } from '../db/schema';
import { encodeNotice, REVOCATION_CHANNEL, splitChanges, type RevocationChanges } from './revocation.notice';

/** A transaction that revokes: its changes are announced to every instance when it commits. */
export interface RevokingTx {
  db: Database;
  /** Records changes; they are sent as NOTIFY at the end of the transaction and delivered at commit. */
  announce(changes: RevocationChanges): void;
}

const FEED_ROW = 1;

/** Bumps the feed version; the row lock makes concurrent revoking transactions take turns. */
async function nextVersion(db: Database): Promise<number> {
  const [row] = await db
    .insert(revocationFeed)
    .values({ id: FEED_ROW, version: 1 })
    .onConflictDoUpdate({ target: revocationFeed.id, set: { version: sql`${revocationFeed.version} + 1` } })
    .returning({ version: revocationFeed.version });
  if (!row) throw new Error('revocation feed version was not returned');
  return row.version;
}

export async function readFeedVersion(db: Database): Promise<number> {
  const [row] = await db.select({ version: revocationFeed.version }).from(revocationFeed);
  return row?.version ?? 0;
}

/**
 * Runs revoking transactions. After a commit, `onCommitted` gets the changes, so the instance
 * that revoked enforces them before it answers, without waiting for its own notification.
 */
export class RevocationWriter {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly onCommitted: (changes: RevocationChanges[]) => void,
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
      // Last, so that the feed row is the last lock every revoking transaction takes: no deadlock
      // cycle can pass through it.
      for (const part of announced.flatMap(splitChanges)) {
        const version = await nextVersion(db);
        const payload = encodeNotice({ ...part, version, sentAtMs: this.clock() });
        await db.execute(sql`select pg_notify(${REVOCATION_CHANNEL}, ${payload})`);
      }
      return value;
    });
    if (announced.length > 0) this.onCommitted(announced);
    return result;
  }
}
