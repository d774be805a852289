import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { Server } from 'node:http';
import type { RequestContext } from '../auth/context';
import type { GraphQLLimits } from '../config';
import type { RequestTracking } from '../observability/request-tracking';
import type { Telemetry } from '../observability/telemetry';
import { createErrorFormatter } from './format-error';
import { landingPagePlugin } from './landing-page';
import { buildAppSchema } from './schema';

export interface ApolloDeps {
  production: boolean;
  limits: GraphQLLimits;
  httpServer: Server;
  tracking: RequestTracking;
  telemetry: Telemetry;
}

/**
 * Refusals before execution (graphql-armor's validation rules; the token count is graphql-js's
 * own parser limit). Each answers 400 with GRAPHQL_VALIDATION_FAILED or GRAPHQL_PARSE_FAILED and a
 * message naming the limit.
 */
function hardening(limits: GraphQLLimits, production: boolean) {
  const armor = new ApolloArmor({
    // "Did you mean …" hints map the schema for whoever probes it; only development needs them.
    blockFieldSuggestion: { enabled: production },
    maxDepth: { n: limits.maxDepth, exposeLimits: true },
    maxAliases: { n: limits.maxAliases, exposeLimits: true },
    costLimit: { maxCost: limits.maxCost, exposeLimits: true },
    maxDirectives: { n: limits.maxDirectives, exposeLimits: true },
    // Counted by graphql-js itself through parseOptions, below.
    maxTokens: { enabled: false },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins, validationRules, parseOptions: { maxTokens: limits.maxTokens } };
}

export function createApollo(deps: ApolloDeps): ApolloServer<RequestContext> {
  const { plugins, validationRules, parseOptions } = hardening(deps.limits, deps.production);
  return new ApolloServer<RequestContext>({
    schema: buildAppSchema(),
    introspection: !deps.production,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: deps.limits.batching,
    csrfPrevention: true,
    validationRules,
    parseOptions,
    // main.ts owns the signals: it stops the HTTP server and then closes the database.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter((error) =>
      deps.telemetry.reportError('unexpected error in a GraphQL request', error),
    ),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: deps.httpServer }),
      landingPagePlugin(deps.production),
      deps.tracking.plugin(),
      ...plugins,
    ],
  });
}
