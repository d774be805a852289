import postgres from 'postgres';
import type { TestDatabase } from './test-database';
import { waitFor } from './wait';

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

/** Holds an exclusive lock on the audit log until released, so revoking transactions stall mid-way. */
export function lockAuditLog(side: postgres.Sql): Promise<HeldTransaction> {
  return holdInTransaction(side, (tx) => tx`lock table audit_events in access exclusive mode`);
}

/** Waits until at least `count` backends of the current database, other than this one, wait on a lock. */
export async function waitForBlockedBackends(side: postgres.Sql, count: number): Promise<void> {
  const waiting = async () => {
    const [row] = await side<Array<{ count: number }>>`
      select count(*)::int as count from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`;
    return row?.count ?? 0;
  };
  await waitFor(async () => (await waiting()) >= count, 5000, `${count} backends waiting on a lock`, 5);
}

/** What the database holds for a jti: its blacklist rows and its audit events. */
export async function storedRevocation(
  side: postgres.Sql,
  jti: string,
): Promise<{ blacklisted: number; audited: number }> {
  const [row] = await side<Array<{ blacklisted: number; audited: number }>>`
    select (select count(*)::int from blacklisted_tokens where jti = ${jti}) as blacklisted,
           (select count(*)::int from audit_events where target_jti = ${jti}) as audited`;
  return row ?? { blacklisted: -1, audited: -1 };
}
