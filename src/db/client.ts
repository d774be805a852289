import { PGlite, type Extension } from '@electric-sql/pglite';
import type { Tracer } from '@opentelemetry/api';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { lockEmbeddedDatabase } from './embedded-lock';
import type { DatabaseHandle, DatabaseTarget } from './database';
import { migratePglite, migratePostgres, OWN_MIGRATIONS } from './migrate';
import { listenOnPostgres } from './postgres-listener';
import { openPostgresPool } from './postgres-pool';
import * as schema from './schema';
import { tracePglite, tracePostgres } from './statement-tracing';

export type { Database, DatabaseHandle, DatabaseTarget, ListenHandlers } from './database';

/**
 * pg_trgm backs the users' email search index (migration 0004). Its package exports give CommonJS
 * no typings, so it is required by hand and typed as the extension it is.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as { pg_trgm: Extension };

export function targetFor(databaseUrl: string | undefined, dataDir: string, directUrl?: string): DatabaseTarget {
  return databaseUrl
    ? { kind: 'postgres', url: databaseUrl, directUrl }
    : { kind: 'pglite', dataDir: join(dataDir, 'pglite') };
}

export interface OpenOptions {
  /**
   * Called once for every statement sent through Drizzle, with its text (placeholders, never the
   * parameters): the database load a caller causes, and which part of it.
   */
  onQuery?: (text: string) => void;
  /**
   * PostgreSQL's `statement_timeout` for every pooled connection, so that a statement stuck
   * behind a lock fails (and its transaction rolls back) instead of holding its request for ever.
   */
  statementTimeoutMs?: number;
  /** Called when the server (a transaction pooler) refuses `statementTimeoutMs`: statements then run without it. */
  onStatementTimeoutRefused?: () => void;
  /** When tracing is on: a span for every statement sent through Drizzle within a traced request. */
  tracer?: Tracer;
}

export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<DatabaseHandle> {
  const { onQuery, statementTimeoutMs = 0, onStatementTimeoutRefused, tracer } = options;
  const logger = onQuery ? { logQuery: onQuery } : undefined;
  if (target.kind === 'postgres') {
    const sql = await openPostgresPool(target.url, { statementTimeoutMs, onStatementTimeoutRefused });
    const sessionUrl = target.directUrl ?? target.url;
    return {
      db: drizzlePostgres(tracer ? tracePostgres(sql, tracer) : sql, { schema, logger }),
      target,
      migrate: (set = OWN_MIGRATIONS) => migratePostgres(sessionUrl, set),
      ping: async () => {
        await sql`select 1`;
      },
      listen: (channel, handlers) => listenOnPostgres(sessionUrl, channel, handlers),
      close: () => sql.end({ timeout: 5 }),
    };
  }
  let unlock: () => void = () => undefined;
  if (target.dataDir) {
    mkdirSync(target.dataDir, { recursive: true });
    unlock = lockEmbeddedDatabase(target.dataDir);
  }
  let client: PGlite;
  try {
    // A dump is only the first content: a database already in dataDir opens as it is.
    const fresh = !target.dataDir || !existsSync(join(target.dataDir, 'PG_VERSION'));
    client = await PGlite.create(target.dataDir, {
      extensions: { pg_trgm },
      loadDataDir: fresh ? target.dump : undefined,
    });
  } catch (error) {
    unlock();
    throw error;
  }
  return {
    db: drizzlePglite(tracer ? tracePglite(client, tracer) : client, { schema, logger }),
    target,
    migrate: (set = OWN_MIGRATIONS) => migratePglite(client, set),
    ping: async () => {
      await client.query('select 1');
    },
    // One embedded database serves one process: its listener cannot drop, so onClose never fires.
    listen: async (channel, handlers) => {
      const unlisten = await client.listen(channel, (payload) => handlers.onNotify(payload));
      return () => unlisten();
    },
    close: async () => {
      try {
        await client.close();
      } finally {
        unlock();
      }
    },
  };
}
