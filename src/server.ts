import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler } from 'express';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createContextBuilder, type RequestContext } from './auth/context';
import type { Clock } from './clock';
import type { Config } from './config';
import type { DatabaseHandle } from './db/client';
import { createErrorFormatter } from './graphql/format-error';
import { buildAppSchema } from './graphql/schema';
import { scheduleCleanup } from './revocation/cleanup';
import { withTimeout } from './timeout';
import { createServices, type Services } from './services';

export const MAX_BODY_BYTES = 100 * 1024;
const READINESS_TIMEOUT_MS = 2000;

export interface Logger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export const consoleLogger: Logger = {
  info: (message) => console.log(message),
  error: (message, error) =>
    console.error(message, error instanceof Error ? (error.stack ?? error.message) : (error ?? '')),
};

export interface ServerDeps {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  logger?: Logger;
}

export interface TokenWardenServer {
  readonly services: Services;
  readonly httpServer: Server;
  /** Brings the revocation check in sync, listens, starts the scheduled cleanup; resolves with the bound address. */
  start(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight requests finish, stops the cleanup. Leaves the database open. */
  stop(): Promise<void>;
}

/** Body-parser failures (bad JSON, too large) answered as GraphQL-shaped JSON, never an HTML stack page. */
const requestErrorHandler =
  (logger: Logger): ErrorRequestHandler =>
  (error: { status?: unknown; type?: unknown }, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error('request failed', error);
    const message =
      status === 413
        ? `The request body is larger than ${MAX_BODY_BYTES} bytes.`
        : status === 500
          ? 'Internal server error'
          : 'The request body is not valid JSON.';
    res
      .status(status)
      .json({ errors: [{ message, extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
  };

export async function createServer(deps: ServerDeps): Promise<TokenWardenServer> {
  const { config, database, clock } = deps;
  const logger = deps.logger ?? consoleLogger;
  const services = createServices(config, database, clock, (message, error) => logger.error(message, error));
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createHttpServer(app);

  const apollo = new ApolloServer<RequestContext>({
    schema: buildAppSchema(),
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    // main.ts owns the signals: it stops the HTTP server and then closes the database.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter((error) => logger.error('unexpected error in a GraphQL request', error)),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      config.production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
    ],
  });
  await apollo.start();

  const buildContext = createContextBuilder({
    tokens: services.tokens,
    revocations: services.revocationCheck,
    services,
    onCheckFailure: (error) => logger.error('revocation check failed', error),
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (!services.revocationCheck.status().synced) {
      res.status(503).json({ status: 'unavailable', reason: 'revocation mirror not in sync' });
      return;
    }
    try {
      await withTimeout(database.ping(), READINESS_TIMEOUT_MS, 'readiness ping');
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
  app.use(
    '/graphql',
    express.json({ limit: MAX_BODY_BYTES }),
    expressMiddleware(apollo, { context: ({ req }) => buildContext(req.headers) }),
  );
  app.use(requestErrorHandler(logger));

  let stopCleanup: (() => void) | undefined;
  return {
    services,
    httpServer,
    start: async (port, host) => {
      await services.revocationCheck.start();
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          stopCleanup = scheduleCleanup(
            config.cleanupIntervalSeconds,
            () => services.revocations.purgeExpiredTokens(null),
            (error) => logger.error('scheduled cleanup failed', error),
          );
          resolve(httpServer.address() as AddressInfo);
        });
      });
    },
    stop: async () => {
      stopCleanup?.();
      await apollo.stop();
      await services.revocationCheck.stop();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
