import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLLimits } from '../config';
import { armorLimit } from './limit-refusals';

/**
 * Refusals before execution (graphql-armor's validation rules; the token count is graphql-js's
 * own parser limit). Each answers 400 with GRAPHQL_VALIDATION_FAILED or GRAPHQL_PARSE_FAILED and a
 * message naming the limit and the variable that sets it.
 */
export function hardening(limits: GraphQLLimits) {
  const armor = new ApolloArmor({
    // Hidden by the error formatter instead, which serves both transports and costs no plugin per request.
    blockFieldSuggestion: { enabled: false },
    maxDepth: { n: limits.maxDepth, ...armorLimit('depth', limits.maxDepth, 'GRAPHQL_MAX_DEPTH') },
    maxAliases: { n: limits.maxAliases, ...armorLimit('alias count', limits.maxAliases, 'GRAPHQL_MAX_ALIASES') },
    costLimit: { maxCost: limits.maxCost, ...armorLimit('cost', limits.maxCost, 'GRAPHQL_MAX_COST') },
    maxDirectives: {
      n: limits.maxDirectives,
      ...armorLimit('directive count', limits.maxDirectives, 'GRAPHQL_MAX_DIRECTIVES'),
    },
    // Counted by graphql-js itself through parseOptions, below.
    maxTokens: { enabled: false },
  });
  const { validationRules } = armor.protect();
  return { validationRules, parseOptions: { maxTokens: limits.maxTokens } };
}
