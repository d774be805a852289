import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { Server } from 'node:http';
import type { RequestContext } from '../auth/context';
import type { GraphQLLimits } from '../config';
import type { RequestTracking } from '../observability/request-tracking';
import type { Telemetry } from '../observability/telemetry';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { hardening } from './hardening';
import { landingPagePlugin } from './landing-page';

export interface ApolloDeps {
  schema: GraphQLSchema;
  production: boolean;
  limits: GraphQLLimits;
  hardening: ReturnType<typeof hardening>;
  httpServer: Server;
  tracking: RequestTracking;
  telemetry: Telemetry;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Closes the WebSocket transport when Apollo drains. */
  drainWebSockets: () => Promise<void>;
}

export function createApollo(deps: ApolloDeps): ApolloServer<RequestContext> {
  const { validationRules, parseOptions } = deps.hardening;
  return new ApolloServer<RequestContext>({
    schema: deps.schema,
    introspection: !deps.production,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: deps.limits.batching,
    csrfPrevention: true,
    validationRules,
    parseOptions,
    // main.ts owns the signals: it stops the HTTP server and then closes the database.
    stopOnTerminationSignals: false,
    formatError: deps.formatError,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: deps.httpServer }),
      { serverWillStart: () => Promise.resolve({ drainServer: () => deps.drainWebSockets() }) },
      landingPagePlugin(deps.production),
      // No field carries a cache hint; the default plugin would still visit every resolved field.
      ApolloServerPluginCacheControlDisabled(),
      deps.tracking.plugin(),
    ],
  });
}
