import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLLimits } from '../config';

/**
 * Refusals before execution (graphql-armor's validation rules; the token count is graphql-js's
 * own parser limit). Each answers 400 with GRAPHQL_VALIDATION_FAILED or GRAPHQL_PARSE_FAILED and a
 * message naming the limit.
 */
export function hardening(limits: GraphQLLimits, production: boolean) {
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
