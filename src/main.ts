import 'reflect-metadata';
import { systemClock } from './clock';
import { ConfigError, loadConfig, type Config } from './config';
import { openDatabase, targetFor } from './db/client';
import { consoleLogger, createServer } from './server';

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
  const logger = consoleLogger;
  const database = await openDatabase(targetFor(config.databaseUrl, config.dataDir));
  await database.migrate();
  const server = await createServer({ config, database, clock: systemClock, logger });
  if (config.admin) {
    const outcome = await server.services.users.bootstrapAdmin(config.admin.email, config.admin.password);
    if (outcome === 'created') logger.info(`created administrator ${config.admin.email}`);
  }
  const address = await server.start(config.port, config.host);
  const where = config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`;
  logger.info(`token-warden listening on http://${address.address}:${address.port}/graphql (${where})`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received, shutting down`);
    server
      .stop()
      .then(() => database.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('shutdown failed', error);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  consoleLogger.error('token-warden failed to start', error);
  process.exit(1);
});
