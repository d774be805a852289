import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RevocationStrategy } from '../src/config';
import { targetFor, type DatabaseTarget } from '../src/db/client';
import { PgBouncer } from '../test/support/pgbouncer';
import { createPostgresDatabase } from '../test/support/test-database';
import type { ProxyMessage } from './ipc';
import { ServerChild } from './server-child';

export const BENCH_ADMIN_EMAIL = 'bench-admin@token-warden.test';
/** The bench's administrator signs in from one address all the time: the throttle would refuse it, rightly. */
export const UNTHROTTLED = { LOGIN_THROTTLE_EMAIL_MAX: '0', LOGIN_THROTTLE_ADDRESS_MAX: '0' };
/** Listed so that CORS runs on every request, as it does in a deployment serving a browser app. */
const BENCH_APP_ORIGIN = 'https://app.token-warden.test';

/** Where a bench server keeps its data: a data directory of its own, or a PostgreSQL database. */
export type BenchDatabase = { kind: 'embedded'; dataDir: string } | { kind: 'postgres'; url: string };

export function targetOf(database: BenchDatabase): DatabaseTarget {
  return database.kind === 'postgres' ? targetFor(database.url, tmpdir()) : targetFor(undefined, database.dataDir);
}

/**
 * Every server, database and proxy the bench starts, so that one `close` removes them all, even
 * when a run fails halfway.
 */
export class Fleet {
  readonly adminPassword = randomBytes(18).toString('base64url');
  private readonly secret = randomBytes(48).toString('base64');
  private readonly cleanups: (() => Promise<void>)[] = [];

  /** A fresh embedded data directory; with `copyOf`, a copy of another one (taken while nothing has it open). */
  embeddedDatabase(copyOf?: BenchDatabase): BenchDatabase {
    const dataDir = mkdtempSync(join(tmpdir(), 'token-warden-bench-'));
    this.cleanups.push(async () => {
      await rm(dataDir, { recursive: true, force: true });
    });
    if (copyOf?.kind === 'embedded') cpSync(copyOf.dataDir, dataDir, { recursive: true });
    return { kind: 'embedded', dataDir };
  }

  async postgresDatabase(serverUrl: string): Promise<BenchDatabase> {
    const database = await createPostgresDatabase(serverUrl, 'token_warden_bench');
    this.cleanups.push(() => database.drop());
    if (database.target.kind !== 'postgres') throw new Error('expected a PostgreSQL database');
    return { kind: 'postgres', url: database.target.url };
  }

  /**
   * `env` adds to or overrides the production settings, e.g. the revocation bus and its URLs;
   * `args` go to the server process (`--cheap-scrypt`).
   */
  async startServer(
    name: string,
    database: BenchDatabase,
    strategy: RevocationStrategy,
    env: Record<string, string> = {},
    args: string[] = [],
  ): Promise<ServerChild> {
    const place: Record<string, string> =
      database.kind === 'postgres'
        ? { DATABASE_URL: database.url, DATA_DIR: tmpdir() }
        : { DATA_DIR: database.dataDir };
    const server = await ServerChild.start(
      name,
      {
        NODE_ENV: 'production',
        JWT_SECRET: this.secret,
        ADMIN_EMAIL: BENCH_ADMIN_EMAIL,
        ADMIN_PASSWORD: this.adminPassword,
        REVOCATION_CHECK: strategy,
        CORS_ORIGINS: BENCH_APP_ORIGIN,
        ...place,
        ...env,
      },
      'server-process.js',
      args,
    );
    this.cleanups.push(() => server.stop());
    return server;
  }

  /**
   * Apollo Server on Express with the committed schema and nothing else: the framework's own limit.
   * With `websockets`, graphql-ws's own server on the same path, as Apollo's documentation wires it.
   */
  async startBareApollo(name = 'bare-apollo', websockets = false): Promise<ServerChild> {
    const env: Record<string, string> = { NODE_ENV: 'production' };
    if (websockets) env.BARE_WEBSOCKETS = 'true';
    const server = await ServerChild.start(name, env, 'bare-apollo-process.js');
    this.cleanups.push(() => server.stop());
    return server;
  }

  /** PgBouncer in transaction mode in front of the PostgreSQL server at `serverUrl`. */
  async pgBouncer(serverUrl: string): Promise<PgBouncer> {
    const bouncer = await PgBouncer.start(serverUrl);
    this.cleanups.push(() => bouncer.stop());
    return bouncer;
  }

  /** Starts a proxy that delays each direction by `delayMs`; returns `url` routed through it. */
  async delayedUrl(url: string, delayMs: number): Promise<string> {
    const target = new URL(url);
    const proxy = fork(join(__dirname, 'proxy-process.js'), [target.hostname, target.port || '5432', String(delayMs)], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.cleanups.push(() => {
      proxy.kill();
      return Promise.resolve();
    });
    const message = await new Promise<ProxyMessage>((resolve, reject) => {
      proxy.once('message', resolve);
      proxy.once('exit', (code) => reject(new Error(`delay proxy exited with ${code}`)));
    });
    const routed = new URL(url);
    routed.hostname = '127.0.0.1';
    routed.port = String(message.port);
    return routed.toString();
  }

  /** Stops servers before dropping their databases: the reverse of the order things were made in. */
  async close(): Promise<void> {
    for (const cleanup of this.cleanups.reverse()) {
      await cleanup().catch((error: unknown) => console.error('bench cleanup failed:', error));
    }
    this.cleanups.length = 0;
  }
}
