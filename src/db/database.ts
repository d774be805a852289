import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema';

/** A folder of Drizzle migrations and the table (in the `drizzle` schema) that records which ran. */
export interface MigrationSet {
  folder: string;
  table: string;
}

/** The Drizzle database every store queries; typed with our tables, and usable with an app's own. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/**
 * Where the data lives: a PostgreSQL server, or the embedded PGlite (in memory when `dataDir` is
 * omitted). `url` may lead through a transaction pooler; `directUrl`, when there is one, reaches the
 * same database with a session of its own, for LISTEN and the migrations. `dump`, a PGlite
 * `dumpDataDir` tarball, is a new embedded database's first content instead of an empty cluster
 * (one already in `dataDir` opens as it is): tests load one migrated dump rather than run initdb
 * and migrate each time.
 */
export type DatabaseTarget =
  | { kind: 'postgres'; url: string; directUrl?: string }
  | { kind: 'pglite'; dataDir?: string; dump?: Blob };

export interface DatabaseHandle {
  readonly db: Database;
  readonly target: DatabaseTarget;
  /** Applies the migrations of `set` (by default the service's own) that have not run yet. */
  migrate(set?: MigrationSet): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /**
   * LISTENs on its own connection. `onClose` tells that the connection is gone: notifications
   * may have been missed since. Resolves with a function that stops listening.
   */
  listen(channel: string, handlers: ListenHandlers): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface ListenHandlers {
  onNotify(payload: string): void;
  onClose(): void;
}
