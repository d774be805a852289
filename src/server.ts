import { expressMiddleware } from '@as-integrations/express5';
import type { Tracer } from '@opentelemetry/api';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createContextBuilder } from './http/request-context';
import { PasswordHasher, type ScryptCost } from './auth/passwords';
import type { Clock } from './clock';
import type { Config } from './config';
import type { DatabaseHandle } from './db/database';
import { AppError } from './errors';
import { ConnectionDraining } from './http/connection-draining';
import { AdminIntrospection } from './graphql/admin-introspection';
import { createApollo } from './graphql/apollo';
import { createErrorFormatter } from './graphql/format-error';
import { hardening } from './graphql/hardening';
import { landingPage } from './graphql/landing-page';
import { buildAppSchema } from './graphql/schema';
import { attachWebSocketServer } from './graphql/ws';
import { corsMiddleware } from './http/cors';
import { expressMessageClasses } from './http/express-messages';
import { healthRoutes } from './http/health.routes';
import { isOwnOrigin } from './http/own-origin';
import { requestErrorHandler } from './http/request-error.handler';
import { refreshCookieOf } from './http/refresh-cookie';
import { createLogger, type Logger } from './observability/logger';
import { Metrics } from './observability/metrics';
import { oauthRoutes } from './oauth/oauth.routes';
import { RevocationEventStreams } from './oauth/revocation-events.hub';
import { metricsRoute } from './http/metrics.route';
import { RequestSpans } from './observability/request-span';
import { RequestTracking } from './observability/request-tracking';
import { SubscriptionTracking } from './observability/subscription-tracking';
import { Telemetry } from './observability/telemetry';
import { exportEventStreamGauges } from './oauth/revocation-events.gauges';
import { tracedRevocationCheck } from './revocation/traced-revocation.check';
import { createServices, type Services } from './services';

export interface ServerDeps {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  /** Defaults to one built from `config.log`, writing to stdout. */
  logger?: Logger;
  /** From `startTracing`, when tracing is on; without it the request path makes no tracing call. */
  tracer?: Tracer;
  /** Defaults to the built-in operations alone; `buildAppSchema(resolvers)` adds an app's. */
  schema?: GraphQLSchema;
  /**
   * scrypt's work factors for new password hashes. Tests lower it: at the production cost each
   * register and login takes 50–80 ms of CPU on a two-core machine, and the suite signs in all the time.
   * @default SCRYPT_COST
   */
  scryptCost?: ScryptCost;
}

export interface TokenWardenServer {
  readonly services: Services;
  readonly httpServer: Server;
  readonly telemetry: Telemetry;
  /** Brings the revocation check in sync, listens, starts the scheduled cleanup; resolves with the bound address. */
  start(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight requests finish, stops the cleanup. Leaves the database open. */
  stop(): Promise<void>;
}

export async function createServer(deps: ServerDeps): Promise<TokenWardenServer> {
  const { config, database, clock, tracer } = deps;
  const telemetry = new Telemetry(deps.logger ?? createLogger(config.log), new Metrics());
  const running = createServices(config, database, clock, telemetry, new PasswordHasher(deps.scryptCost));
  const { services } = running;
  const tracking = new RequestTracking(telemetry, tracer && new RequestSpans(tracer));
  const app = express();
  app.disable('x-powered-by');
  // GraphQL answers are per caller and no-store; an ETag would hash every body for nothing.
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  const draining = new ConnectionDraining();
  const eventStreams = new RevocationEventStreams(config.revocationEventsMaxStreamsPerClient);
  exportEventStreamGauges(telemetry.metrics.registry, eventStreams);
  const httpServer = createHttpServer(expressMessageClasses(app), (req, res) => {
    draining.track(res);
    app(req, res);
  });
  // A client may shut down its sending side once its request is out and still read the answer.
  // Node's server (undocumented `httpAllowHalfOpen`, false by default) then ends the connection
  // at once while the request still runs: a revocation written and never acknowledged. With it
  // on, the answer goes out and the connection closes after it.
  Object.assign(httpServer, { httpAllowHalfOpen: true });

  const buildContext = createContextBuilder({
    tokens: services.tokens,
    revocations: tracer
      ? tracedRevocationCheck(services.revocationCheck, tracer, config.revocationCheck)
      : services.revocationCheck,
    services,
    onCheckFailure: (error) => telemetry.reportError('revocation check failed', error),
  });
  const schema = deps.schema ?? buildAppSchema();
  const errorFormatter = createErrorFormatter(
    (error) => telemetry.reportError('unexpected error in a GraphQL request', error),
    config.production,
  );
  const graphqlHardening = hardening(config.graphql);
  const { validationRules, parseOptions } = graphqlHardening;
  const listedOrigins: ReadonlySet<string> = new Set(config.corsOrigins);
  // Production keeps the schema to itself; ADMIN_SANDBOX opens it, and Sandbox, to administrators.
  const adminSandbox = config.production && config.adminSandbox;
  const adminIntrospection = adminSandbox ? new AdminIntrospection() : null;
  const sandbox = landingPage(!config.production || adminSandbox);
  const webSockets = attachWebSocketServer({
    httpServer,
    schema,
    services,
    limits: config.websocket,
    shutdownGraceMs: config.shutdownGraceMs,
    production: config.production,
    adminIntrospection: adminSandbox,
    validationRules,
    parseOptions,
    originAllowed: (origin, request) => listedOrigins.has(origin) || isOwnOrigin(origin, request),
    buildContext,
    formatError: errorFormatter,
    reportError: (message, error) => telemetry.reportError(message, error),
    subscriptions: new SubscriptionTracking(telemetry.metrics),
  });
  const apollo = createApollo({
    schema,
    formatError: errorFormatter,
    // Event streams never finish on their own: ended first, their consumers reconnect to another instance.
    drainHttp: () => {
      eventStreams.closeAll();
      return draining.drain(httpServer, config.shutdownGraceMs);
    },
    drainWebSockets: () => webSockets.dispose(),
    introspection: config.production ? (adminIntrospection ?? 'nobody') : 'everyone',
    landingPage: sandbox.plugin,
    limits: config.graphql,
    hardening: graphqlHardening,
    tracking,
    telemetry,
  });
  await apollo.start();

  // /graphql first: every route before it is one more match on each GraphQL request.
  app.use(
    '/graphql',
    corsMiddleware(config.corsOrigins),
    tracking.middleware,
    sandbox.headers,
    express.json({ limit: config.graphql.maxBodyBytes }),
    // After the body parser, whose callbacks run outside the request's async context.
    ...(adminIntrospection ? [adminIntrospection.scope] : []),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const record = tracking.recordOf(req, res);
        try {
          const context = await buildContext(req.headers, record, refreshCookieOf(req, res, listedOrigins));
          adminIntrospection?.admit(context.viewer);
          return context;
        } catch (error) {
          // Apollo answers a failed context without running request plugins; record the outcome here.
          if (error instanceof AppError) record.outcome = error.code;
          throw error;
        }
      },
    }),
  );
  app.use(healthRoutes(services.revocationCheck, database));
  app.get('/metrics', metricsRoute(telemetry.metrics, config.metricsToken));
  app.use(oauthRoutes(config, services, eventStreams, (message, error) => telemetry.reportError(message, error)));
  app.use(requestErrorHandler(tracking, telemetry, config.graphql.maxBodyBytes));

  return {
    services,
    httpServer,
    telemetry,
    start: async (port, host) => {
      await running.start();
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve(httpServer.address() as AddressInfo);
        });
      });
    },
    // Apollo's stop drains HTTP and WebSocket connections first (see createApollo), then the rest stops.
    stop: async () => {
      await apollo.stop();
      await running.stop();
    },
  };
}
