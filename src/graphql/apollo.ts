import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
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
  tracking: RequestTracking;
  telemetry: Telemetry;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Ends the HTTP connections when Apollo drains. */
  drainHttp: () => Promise<void>;
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
      {
        serverWillStart: () =>
          Promise.resolve({
            drainServer: async () => {
              await Promise.all([deps.drainHttp(), deps.drainWebSockets()]);
            },
          }),
      },
      landingPagePlugin(deps.production),
      // No field carries a cache hint; the default plugin would still visit every resolved field.
      ApolloServerPluginCacheControlDisabled(),
      deps.tracking.plugin(),
    ],
  });
}
