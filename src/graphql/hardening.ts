import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLLimits } from '../config';
import { armorLimit } from './limit-refusals';

/**
 * Refusals before execution (graphql-armor's validation rules; the token count is graphql-js's
 * own parser limit). Each answers 400 with GRAPHQL_VALIDATION_FAILED or GRAPHQL_PARSE_FAILED and a
 * message naming the limit and the variable that sets it.
 */
export function hardening(limits: GraphQLLimits, production: boolean) {
  const armor = new ApolloArmor({
    // "Did you mean …" hints map the schema for whoever probes it; only development needs them.
    blockFieldSuggestion: { enabled: production },
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
  const { plugins, validationRules } = armor.protect();
  return { plugins, validationRules, parseOptions: { maxTokens: limits.maxTokens } };
}
