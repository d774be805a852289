import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { RequestContext } from '../auth/context';
import type { GraphQLLimits } from '../config';
import type { RequestTracking } from '../observability/request-tracking';
import type { Telemetry } from '../observability/telemetry';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { AdminIntrospection } from './admin-introspection';
import type { hardening } from './hardening';

export interface ApolloDeps {
  schema: GraphQLSchema;
  /** Who may introspect the schema: everyone (development), nobody, or valid ADMIN tokens. */
  introspection: 'everyone' | 'nobody' | AdminIntrospection;
  /** Sandbox on `GET /graphql`, or nothing there. */
  landingPage: ApolloServerPlugin<RequestContext>;
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
  const { parseOptions } = deps.hardening;
  const gate = typeof deps.introspection === 'string' ? null : deps.introspection;
  // Ahead of the limits, where Apollo puts its own introspection rule: the same errors in the same order.
  const validationRules = gate ? [gate.rule, ...deps.hardening.validationRules] : deps.hardening.validationRules;
  return new ApolloServer<RequestContext>({
    schema: deps.schema,
    introspection: deps.introspection !== 'nobody',
    ...(gate && { documentStore: gate.documentStore }),
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
      deps.landingPage,
      // No field carries a cache hint; the default plugin would still visit every resolved field.
      ApolloServerPluginCacheControlDisabled(),
      deps.tracking.plugin(),
    ],
  });
}
