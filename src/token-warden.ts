import 'reflect-metadata';
import type { Tracer } from '@opentelemetry/api';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from './clock';
import { loadConfig, type Config, type LoadedConfig } from './config';
import { resolveDevSecret } from './auth/dev-secret';
import { openDatabase, targetFor, type DatabaseHandle } from './db/client';
import { buildAppSchema, type ResolverClass } from './graphql/schema';
import { createLogger, type Logger } from './observability/logger';
import { createServer } from './server';
import type { Services } from './services';
import { appMigrationSet, type AppMigrations } from './db/app-migrations';

export type { AppMigrations } from './db/app-migrations';

export interface TokenWardenOptions {
  /**
   * The app's type-graphql resolver classes, merged with the built-in ones. Every Query, Mutation
   * and Subscription field they declare must carry `@Auth()` or `@Public()`.
   * @default []
   */
  resolvers?: readonly ResolverClass[];
  /** @default loadConfig(): the environment, read exactly as `npm start` reads it */
  config?: LoadedConfig;
  /** @default a pino logger built from `config.log`, writing to stdout */
  logger?: Logger;
  /** The app's own Drizzle migrations, applied after Token Warden's, with a journal of their own. */
  migrations?: AppMigrations;
  /**
   * Spans for requests, revocation checks and statements; `npm start` passes the one it started
   * when `OTEL_EXPORTER_OTLP_ENDPOINT` is set. Without it the request path makes no tracing call.
   */
  tracer?: Tracer;
}

export interface TokenWarden {
  /** Everything resolvers reach through `context.services`, the database (`services.db`) included. */
  readonly services: Services;
  readonly httpServer: Server;
  /** Listens on `port` and `host` (by default the configured ones); resolves with the bound address. */
  start(port?: number, host?: string): Promise<AddressInfo>;
  /** Finishes the requests in flight, stops listening and closes the database. Not restartable. */
  stop(): Promise<void>;
}

/**
 * Token Warden with an app's resolvers: opens the database (PostgreSQL at `config.databaseUrl`, or
 * the embedded one under `config.dataDir`), applies the built-in then the app's migrations, and
 * bootstraps the configured administrator. Rejects before touching the database when an app
 * operation is neither guarded nor public.
 */
export async function createTokenWarden(options: TokenWardenOptions = {}): Promise<TokenWarden> {
  const config = resolveDevSecret(options.config ?? loadConfig());
  const logger = options.logger ?? createLogger(config.log);
  const schema = buildAppSchema(options.resolvers ?? []);
  const appMigrations = options.migrations ? appMigrationSet(options.migrations) : undefined;

  const { tracer } = options;
  const database = await openDatabase(targetFor(config.databaseUrl, config.dataDir, config.databaseDirectUrl), {
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    onStatementTimeoutRefused: () =>
      logger.warn(
        { statementTimeoutMs: config.databaseStatementTimeoutMs },
        'DATABASE_URL refused statement_timeout as a connection parameter, as a transaction pooler does: ' +
          'DATABASE_STATEMENT_TIMEOUT_MS does not apply; set statement_timeout on the database role instead',
      ),
    tracer,
  });
  try {
    await database.migrate();
    if (appMigrations) await database.migrate(appMigrations);
    const server = await createServer({ config, database, clock: systemClock, logger, schema, tracer });
    if (config.admin) {
      const outcome = await server.services.users.bootstrapAdmin(config.admin.email, config.admin.password);
      if (outcome === 'created') logger.info({ email: config.admin.email }, 'created administrator');
    }
    return {
      services: server.services,
      httpServer: server.httpServer,
      start: async (port = config.port, host = config.host) => {
        const address = await server.start(port, host);
        logger.info(describeStart(config, address, database), 'token-warden listening');
        return address;
      },
      stop: async () => {
        await server.stop();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

function describeStart(config: Config, address: AddressInfo, database: DatabaseHandle): Record<string, unknown> {
  const embedded = database.target.kind === 'pglite';
  return {
    url: `http://${address.address}:${address.port}/graphql`,
    database: embedded ? 'embedded' : 'postgresql',
    dataDir: embedded ? config.dataDir : undefined,
    revocationCheck: config.revocationCheck,
    tracesUrl: config.tracing?.tracesUrl,
  };
}
