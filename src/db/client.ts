import { PGlite, type Extension } from '@electric-sql/pglite';
import type { Tracer } from '@opentelemetry/api';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { lockEmbeddedDatabase } from './embedded-lock';
import type { DatabaseHandle, DatabaseTarget, ListenHandlers } from './database';
import { migratePglite, migratePostgres, OWN_MIGRATIONS } from './migrate';
import * as schema from './schema';
import { tracePglite, tracePostgres } from './statement-tracing';

export type { Database, DatabaseHandle, DatabaseTarget, ListenHandlers } from './database';

/**
 * pg_trgm backs the users' email search index (migration 0004). Its package exports give CommonJS
 * no typings, so it is required by hand and typed as the extension it is.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as { pg_trgm: Extension };

/** `onnotify` is a postgres.js connection option its typings leave out (its own `sql.listen` uses it). */
type ListenerOptions = postgres.Options<Record<string, postgres.PostgresType>> & {
  onnotify: (channel: string, payload: string) => void;
};

/** A dedicated connection for LISTEN, so that its loss is seen at once instead of silently re-listened. */
async function listenOnPostgres(url: string, channel: string, handlers: ListenHandlers): Promise<() => Promise<void>> {
  let closedByUs = false;
  const options: ListenerOptions = {
    max: 1,
    idle_timeout: undefined,
    max_lifetime: null,
    connect_timeout: 5,
    fetch_types: false,
    onnotice: () => undefined,
    onnotify: (from, payload) => {
      if (from === channel) handlers.onNotify(payload);
    },
    onclose: () => {
      if (!closedByUs) handlers.onClose();
    },
  };
  const listener = postgres(url, options);
  const stop = async () => {
    closedByUs = true;
    await listener.end({ timeout: 1 });
  };
  try {
    await listener.unsafe(`listen "${channel.replace(/"/g, '""')}"`);
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}

/**
 * Seconds before a dropped pooled connection reconnects: from about 50 ms, doubling, at most 1 s.
 * postgres.js waits up to 20 s by default, and a query handed to that connection waits with it,
 * which would keep the service failing long after the database is back.
 */
const reconnectDelaySeconds = (attempt: number): number => (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** attempt, 1);

export function targetFor(databaseUrl: string | undefined, dataDir: string): DatabaseTarget {
  return databaseUrl ? { kind: 'postgres', url: databaseUrl } : { kind: 'pglite', dataDir: join(dataDir, 'pglite') };
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
  /** When tracing is on: a span for every statement sent through Drizzle within a traced request. */
  tracer?: Tracer;
}

export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<DatabaseHandle> {
  const { onQuery, statementTimeoutMs = 0, tracer } = options;
  const logger = onQuery ? { logQuery: onQuery } : undefined;
  if (target.kind === 'postgres') {
    const sql = postgres(target.url, {
      onnotice: () => undefined,
      max: 10,
      backoff: reconnectDelaySeconds,
      connection: { statement_timeout: statementTimeoutMs },
    });
    return {
      db: drizzlePostgres(tracer ? tracePostgres(sql, tracer) : sql, { schema, logger }),
      target,
      migrate: (set = OWN_MIGRATIONS) => migratePostgres(target.url, set),
      ping: async () => {
        await sql`select 1`;
      },
      listen: (channel, handlers) => listenOnPostgres(target.url, channel, handlers),
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
    client = await PGlite.create(target.dataDir, { extensions: { pg_trgm } });
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
