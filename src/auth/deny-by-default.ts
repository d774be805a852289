import { getDirective } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { AUTH_DIRECTIVE } from './auth.directive';
import { isPublic } from './public';

/** The operations that break deny-by-default, as `Type.field`. */
export interface DenyByDefaultViolations {
  /** Neither @Auth nor @Public(): they would be open to anyone by mistake. */
  unguarded: string[];
  /** Both at once: which one was meant is unclear. */
  contradictory: string[];
}

export function denyByDefaultViolations(schema: GraphQLSchema): DenyByDefaultViolations {
  const violations: DenyByDefaultViolations = { unguarded: [], contradictory: [] };
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      const guarded = (getDirective(schema, field, AUTH_DIRECTIVE) ?? []).length > 0;
      const name = `${root.name}.${field.name}`;
      if (guarded && isPublic(field)) violations.contradictory.push(name);
      else if (!guarded && !isPublic(field)) violations.unguarded.push(name);
    }
  }
  return violations;
}

/** Thrown when a schema is built with an operation that deny-by-default refuses; names each one. */
export class UnguardedOperationsError extends Error {
  readonly code = 'UNGUARDED_OPERATIONS';
  readonly unguarded: readonly string[];
  readonly contradictory: readonly string[];

  constructor({ unguarded, contradictory }: DenyByDefaultViolations) {
    const parts: string[] = [];
    if (unguarded.length > 0) {
      parts.push(
        `${unguarded.join(', ')} ${unguarded.length === 1 ? 'carries' : 'carry'} neither @Auth() nor @Public(): guard each with @Auth(role), or open it on purpose with @Public().`,
      );
    }
    if (contradictory.length > 0) {
      parts.push(
        `${contradictory.join(', ')} ${contradictory.length === 1 ? 'carries' : 'carry'} both @Auth and @Public(): keep one.`,
      );
    }
    super(`Deny by default: ${parts.join(' ')}`);
    this.name = 'UnguardedOperationsError';
    this.unguarded = unguarded;
    this.contradictory = contradictory;
  }
}

/** Every Query, Mutation and Subscription field carries @auth or @Public(), never both. */
export function assertDenyByDefault(schema: GraphQLSchema): GraphQLSchema {
  const violations = denyByDefaultViolations(schema);
  if (violations.unguarded.length > 0 || violations.contradictory.length > 0) {
    throw new UnguardedOperationsError(violations);
  }
  return schema;
}
