import 'reflect-metadata';
import { systemClock } from './clock';
import { ConfigError, loadConfig, type Config } from './config';
import { openDatabase, targetFor } from './db/client';
import { createLogger } from './observability/logger';
import { startTracing, type Tracing } from './observability/tracing';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`token-warden: invalid configuration: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.log);
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    process.exit(1);
  });

  try {
    const tracing: Tracing | undefined = config.tracing && (await startTracing(config.tracing));
    // Imported after tracing has started, so that its GraphQL instrumentation sees graphql load.
    const { createServer } = await import('./server.js');
    const database = await openDatabase(targetFor(config.databaseUrl, config.dataDir), {
      statementTimeoutMs: config.databaseStatementTimeoutMs,
      tracer: tracing?.tracer,
    });
    await database.migrate();
    const server = await createServer({ config, database, clock: systemClock, logger, tracer: tracing?.tracer });
    if (config.admin) {
      const outcome = await server.services.users.bootstrapAdmin(config.admin.email, config.admin.password);
      if (outcome === 'created') logger.info({ email: config.admin.email }, 'created administrator');
    }
    const address = await server.start(config.port, config.host);
    logger.info(
      {
        url: `http://${address.address}:${address.port}/graphql`,
        database: config.databaseUrl ? 'postgresql' : 'embedded',
        tracesUrl: config.tracing?.tracesUrl,
        dataDir: config.databaseUrl ? undefined : config.dataDir,
        revocationCheck: config.revocationCheck,
      },
      'token-warden listening',
    );

    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
      const started = performance.now();
      server
        .stop()
        .then(() => database.close())
        .then(() => tracing?.shutdown())
        .then(
          () => {
            logger.info({ ms: Math.round(performance.now() - started) }, 'stopped');
            process.exit(0);
          },
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  } catch (error) {
    logger.fatal({ err: error }, 'token-warden failed to start');
    process.exit(1);
  }
}

void main();
