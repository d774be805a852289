import type { GraphQLField } from 'graphql';
import { Extensions } from 'type-graphql';

/** Kept in the field's extensions, which the SDL never prints: public is the absence of a rule, not a rule clients see. */
const PUBLIC_EXTENSION = 'tokenWardenPublic';

/** Opens a Query, Mutation or Subscription field to anyone, on purpose: the only way to leave out @Auth. */
export function Public(): MethodDecorator {
  return Extensions({ [PUBLIC_EXTENSION]: true });
}

export function isPublic(field: GraphQLField<unknown, unknown>): boolean {
  return field.extensions[PUBLIC_EXTENSION] === true;
}
