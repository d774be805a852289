import { registerEnumType } from 'type-graphql';
import { Role } from './role';

/**
 * Role as a GraphQL enum, apart from the role itself so that the database schema, the CLI and the
 * token code can use roles without loading type-graphql.
 */
export const RoleType = Role;
export const ROLE_TYPE_NAME = 'Role';

registerEnumType(RoleType, {
  name: ROLE_TYPE_NAME,
  description: 'What a user may do; ADMIN includes everything USER may.',
});
