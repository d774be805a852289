import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLLimits } from '../config';

/**
 * Refusals before execution (graphql-armor's validation rules; the token count is graphql-js's
 * own parser limit). Each answers 400 with GRAPHQL_VALIDATION_FAILED or GRAPHQL_PARSE_FAILED and a
 * message naming the limit.
 */
export function hardening(limits: GraphQLLimits) {
  const armor = new ApolloArmor({
    // Hidden by the error formatter instead, which serves both transports and costs no plugin per request.
    blockFieldSuggestion: { enabled: false },
    maxDepth: { n: limits.maxDepth, exposeLimits: true },
    maxAliases: { n: limits.maxAliases, exposeLimits: true },
    costLimit: { maxCost: limits.maxCost, exposeLimits: true },
    maxDirectives: { n: limits.maxDirectives, exposeLimits: true },
    // Counted by graphql-js itself through parseOptions, below.
    maxTokens: { enabled: false },
  });
  const { validationRules } = armor.protect();
  return { validationRules, parseOptions: { maxTokens: limits.maxTokens } };
}
