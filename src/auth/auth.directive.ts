import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  DirectiveLocation,
  GraphQLDirective,
  GraphQLSchema,
  isEnumType,
  type GraphQLFieldConfig,
} from 'graphql';
import { Directive } from 'type-graphql';
import { forbidden, unauthenticated } from '../errors';
import type { RequestContext, Viewer } from './context';
import { isRole, Role, roleSatisfies } from './role';
import { ROLE_TYPE_NAME } from './role.type';

export const AUTH_DIRECTIVE = 'auth';

/** Marks a field (or every field of a type) as needing a signed-in caller holding `requires`. */
export function Auth(requires: Role = Role.USER): MethodDecorator & ClassDecorator & PropertyDecorator {
  return Directive(`@${AUTH_DIRECTIVE}(requires: ${requires})`);
}

/** The signed-in caller; fields behind @auth may rely on it being there. */
export function requireViewer(context: RequestContext): Viewer {
  if (!context.viewer) throw unauthenticated();
  return context.viewer;
}

function requiredRole(schema: GraphQLSchema, node: Parameters<typeof getDirective>[1]): Role | undefined {
  const args = getDirective(schema, node, AUTH_DIRECTIVE)?.[0];
  if (!args) return undefined;
  const requires: unknown = args.requires;
  if (!isRole(requires)) throw new Error(`@${AUTH_DIRECTIVE} names an unknown role: ${String(requires)}`);
  return requires;
}

/** Declares `directive @auth(requires: Role = USER)` in the schema, using its own Role enum. */
function withAuthDirectiveDeclared(schema: GraphQLSchema): GraphQLSchema {
  const roleType = schema.getType(ROLE_TYPE_NAME);
  if (!isEnumType(roleType)) throw new Error('the schema has no Role enum for @auth to use');
  const auth = new GraphQLDirective({
    name: AUTH_DIRECTIVE,
    description: 'Only a signed-in caller whose role is at least `requires` may use this.',
    locations: [DirectiveLocation.FIELD_DEFINITION, DirectiveLocation.OBJECT],
    args: { requires: { type: roleType, defaultValue: Role.USER } },
  });
  return new GraphQLSchema({ ...schema.toConfig(), directives: [...schema.getDirectives(), auth] });
}

/** Declares @auth and wraps every field it marks (directly or through its type) with the role check. */
export function applyAuthDirective(schema: GraphQLSchema): GraphQLSchema {
  const declared = withAuthDirectiveDeclared(schema);
  return mapSchema(declared, {
    [MapperKind.OBJECT_FIELD]: (field: GraphQLFieldConfig<unknown, RequestContext>, _name, typeName) => {
      const type = declared.getType(typeName);
      const required = requiredRole(declared, field) ?? (type ? requiredRole(declared, type) : undefined);
      if (required === undefined) return field;
      const guard =
        <TArgs extends unknown[]>(
          inner: (source: unknown, args: Record<string, unknown>, context: RequestContext, ...rest: TArgs) => unknown,
        ) =>
        (source: unknown, args: Record<string, unknown>, context: RequestContext, ...rest: TArgs) => {
          const viewer = requireViewer(context);
          if (!roleSatisfies(viewer.role, required)) throw forbidden(`This needs the ${required} role.`);
          return inner(source, args, context, ...rest);
        };
      // A subscription is guarded where it starts, not only where each event is resolved.
      return {
        ...field,
        resolve: guard(field.resolve ?? defaultFieldResolver),
        ...(field.subscribe ? { subscribe: guard(field.subscribe) } : {}),
      };
    },
  });
}
