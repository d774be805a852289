import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  DirectiveLocation,
  GraphQLBoolean,
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
import { requireAdminEnrolment, requireStepUp } from './step-up';

export const AUTH_DIRECTIVE = 'auth';

export interface AuthOptions {
  /**
   * Also needs a recent authentication (STEP_UP_MAX_AGE_SECONDS), with the second factor when the
   * account has one; otherwise STEP_UP_REQUIRED with an RFC 9470 challenge.
   * @default false
   */
  stepUp?: boolean;
}

/** Marks a field (or every field of a type) as needing a signed-in caller holding `requires`. */
export function Auth(
  requires: Role = Role.USER,
  { stepUp = false }: AuthOptions = {},
): MethodDecorator & ClassDecorator & PropertyDecorator {
  return Directive(`@${AUTH_DIRECTIVE}(requires: ${requires}${stepUp ? ', stepUp: true' : ''})`);
}

/** The signed-in caller; fields behind @auth may rely on it being there. */
export function requireViewer(context: RequestContext): Viewer {
  if (!context.viewer) throw unauthenticated();
  return context.viewer;
}

interface Requirement {
  role: Role;
  stepUp: boolean;
}

function requirement(schema: GraphQLSchema, node: Parameters<typeof getDirective>[1]): Requirement | undefined {
  const args = getDirective(schema, node, AUTH_DIRECTIVE)?.[0];
  if (!args) return undefined;
  const requires: unknown = args.requires;
  if (!isRole(requires)) throw new Error(`@${AUTH_DIRECTIVE} names an unknown role: ${String(requires)}`);
  return { role: requires, stepUp: args.stepUp === true };
}

/** Declares `directive @auth(requires: Role = USER, stepUp: Boolean = false)`, using the schema's own Role enum. */
function withAuthDirectiveDeclared(schema: GraphQLSchema): GraphQLSchema {
  const roleType = schema.getType(ROLE_TYPE_NAME);
  if (!isEnumType(roleType)) throw new Error('the schema has no Role enum for @auth to use');
  const auth = new GraphQLDirective({
    name: AUTH_DIRECTIVE,
    description:
      'Only a signed-in caller whose role is at least `requires` may use this; with `stepUp`, only within STEP_UP_MAX_AGE_SECONDS of authenticating (with the second factor, if the account has one), else STEP_UP_REQUIRED.',
    locations: [DirectiveLocation.FIELD_DEFINITION, DirectiveLocation.OBJECT],
    args: {
      requires: { type: roleType, defaultValue: Role.USER },
      stepUp: { type: GraphQLBoolean, defaultValue: false },
    },
  });
  return new GraphQLSchema({ ...schema.toConfig(), directives: [...schema.getDirectives(), auth] });
}

/** The enrolment check once per request, however many ADMIN fields it selects. */
const enrolmentChecks = new WeakMap<RequestContext, Promise<void>>();

function checkAdminEnrolment(context: RequestContext, viewer: Viewer): Promise<void> {
  let check = enrolmentChecks.get(context);
  if (!check) {
    check = requireAdminEnrolment(viewer, context.services.stepUp);
    enrolmentChecks.set(context, check);
  }
  return check;
}

/** Role first, then ADMIN_REQUIRE_MFA on ADMIN fields, then step-up; synchronous when neither applies. */
function authorize(context: RequestContext, required: Requirement, proceed: () => unknown): unknown {
  const viewer = requireViewer(context);
  if (!roleSatisfies(viewer.role, required.role)) throw forbidden(`This needs the ${required.role} role.`);
  const policy = context.services.stepUp;
  const enrolment = required.role === Role.ADMIN && policy.adminRequireMfa;
  if (!enrolment && !required.stepUp) return proceed();
  return (async () => {
    if (enrolment) await checkAdminEnrolment(context, viewer);
    if (required.stepUp) await requireStepUp(viewer, policy, context.services.clock());
    return proceed();
  })();
}

/** Declares @auth and wraps every field it marks (directly or through its type) with its checks. */
export function applyAuthDirective(schema: GraphQLSchema): GraphQLSchema {
  const declared = withAuthDirectiveDeclared(schema);
  return mapSchema(declared, {
    [MapperKind.OBJECT_FIELD]: (field: GraphQLFieldConfig<unknown, RequestContext>, _name, typeName) => {
      const type = declared.getType(typeName);
      const required = requirement(declared, field) ?? (type ? requirement(declared, type) : undefined);
      if (required === undefined) return field;
      const guard =
        <TArgs extends unknown[]>(
          inner: (source: unknown, args: Record<string, unknown>, context: RequestContext, ...rest: TArgs) => unknown,
        ) =>
        (source: unknown, args: Record<string, unknown>, context: RequestContext, ...rest: TArgs) =>
          authorize(context, required, () => inner(source, args, context, ...rest));
      // A subscription is guarded where it starts, not only where each event is resolved.
      return {
        ...field,
        resolve: guard(field.resolve ?? defaultFieldResolver),
        ...(field.subscribe ? { subscribe: guard(field.subscribe) } : {}),
      };
    },
  });
}
