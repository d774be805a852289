import postgres from 'postgres';
import type { TestDatabase } from './test-database';

/** A connection of the test's own, straight to a PostgreSQL test database. */
export function openSideConnection(database: TestDatabase): postgres.Sql {
  if (database.target.kind !== 'postgres') throw new Error('needs PostgreSQL');
  return postgres(database.target.url, { max: 2, onnotice: () => undefined });
}

export interface HeldTransaction {
  /** Ends the transaction, releasing what it locked. */
  release: () => void;
  /** Settles once the transaction has committed. */
  done: Promise<unknown>;
}

/**
 * Runs `lock` in a transaction on the test's own connection and keeps that transaction open,
 * holding its locks, until `release` is called.
 */
export async function holdInTransaction(
  side: postgres.Sql,
  lock: (tx: postgres.TransactionSql) => Promise<unknown>,
): Promise<HeldTransaction> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let acquired!: () => void;
  const locked = new Promise<void>((resolve) => (acquired = resolve));
  const done = side.begin(async (tx) => {
    await lock(tx);
    acquired();
    await held;
  });
  await Promise.race([locked, done]);
  return { release, done };
}

/** Backends of the current database, other than this one, waiting on a lock. */
export async function backendsWaitingOnLocks(side: postgres.Sql): Promise<number> {
  const [row] = await side<Array<{ count: number }>>`
    select count(*)::int as count from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`;
  return row?.count ?? 0;
}
