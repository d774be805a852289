import 'reflect-metadata';
import { resolveDevSecret } from './auth/dev-secret';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './observability/logger';
import { startTracing, type Tracing } from './observability/tracing';

function readConfig(): Config {
  try {
    return resolveDevSecret(loadConfig());
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
    const { createTokenWarden } = await import('./token-warden.js');
    const warden = await createTokenWarden({ config, logger, tracer: tracing?.tracer });
    await warden.start(config.port, config.host);

    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
      const started = performance.now();
      warden
        .stop()
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
