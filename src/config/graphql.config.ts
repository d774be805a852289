import { flag, integer, type Env } from './env';

/** Refusals before execution: each bounds the work one request can ask for. */
export interface GraphQLLimits {
  maxBodyBytes: number;
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
  maxDirectives: number;
  /** JSON arrays of operations in one HTTP request. */
  batching: boolean;
}

export function graphqlLimits(env: Env): GraphQLLimits {
  return {
    maxBodyBytes: integer(env, 'GRAPHQL_MAX_BODY_BYTES', 100 * 1024, 1024, 10 * 1024 * 1024),
    maxDepth: integer(env, 'GRAPHQL_MAX_DEPTH', 10, 1, 100),
    maxAliases: integer(env, 'GRAPHQL_MAX_ALIASES', 15, 0, 1000),
    maxTokens: integer(env, 'GRAPHQL_MAX_TOKENS', 2000, 50, 100_000),
    maxCost: integer(env, 'GRAPHQL_MAX_COST', 5000, 1, 1_000_000),
    maxDirectives: integer(env, 'GRAPHQL_MAX_DIRECTIVES', 20, 0, 1000),
    batching: flag(env, 'GRAPHQL_BATCHING', false),
  };
}
