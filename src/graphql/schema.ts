import 'reflect-metadata';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchemaSync, type ClassType, type PubSub } from 'type-graphql';
import { EmailVerificationResolver } from '../accounts/email-verification.resolver';
import { PasskeyResolver } from '../accounts/factors/passkey.resolver';
import { RecoveryResolver } from '../accounts/recovery.resolver';
import { AuditResolver } from '../audit/audit.resolver';
import { applyAuthDirective } from '../auth/auth.directive';
import { assertDenyByDefault } from '../auth/deny-by-default';
import { DatabaseUnavailableMiddleware } from './database-unavailable.middleware';
import { SigningKeyResolver } from '../keys/signing-key.resolver';
import { SessionEventsResolver } from '../live/session-events.resolver';
import { RevocationResolver } from '../revocation/revocation.resolver';
import { SessionManagementResolver } from '../sessions/session-management.resolver';
import { SessionResolver } from '../sessions/session.resolver';
import { UserDirectoryResolver } from '../users/user-directory.resolver';
import { UserResolver } from '../users/user.resolver';
import { checkResolverClasses } from './resolver-classes';
// After the built-in domains': the order of loading is the order of the fields in schema.graphql.
import { MfaResolver } from '../accounts/factors/mfa.resolver';
import { TotpResolver } from '../accounts/factors/totp.resolver';

/** A type-graphql resolver class: decorated with `@Resolver()`, built by type-graphql with no arguments. */
export type ResolverClass = ClassType;

const BUILT_IN_RESOLVERS = [
  SessionResolver,
  SessionManagementResolver,
  UserResolver,
  UserDirectoryResolver,
  RevocationResolver,
  AuditResolver,
  SigningKeyResolver,
  SessionEventsResolver,
  RecoveryResolver,
  EmailVerificationResolver,
  TotpResolver,
  MfaResolver,
  PasskeyResolver,
] as const;

/**
 * type-graphql wants a PubSub before it builds any subscription. Ours each bring their own stream
 * (`subscribe:`), fed by the socket registry, so topics are never used.
 */
const NO_TOPICS: PubSub = {
  publish: () => {
    throw new Error('subscriptions here are fed by their own streams, not by topics');
  },
  subscribe: () => {
    throw new Error('subscriptions here are fed by their own streams, not by topics');
  },
};

/**
 * The built-in operations and `resolvers` (an app's own) in one schema, with @auth applied.
 * Throws UnguardedOperationsError when an operation carries neither @Auth nor @Public().
 */
export function buildAppSchema(resolvers: readonly ResolverClass[] = []): GraphQLSchema {
  checkResolverClasses(resolvers, BUILT_IN_RESOLVERS);
  const schema = buildSchemaSync({
    resolvers: [...BUILT_IN_RESOLVERS, ...resolvers],
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    globalMiddlewares: [DatabaseUnavailableMiddleware],
    validate: false,
    pubSub: NO_TOPICS,
  });
  return assertDenyByDefault(applyAuthDirective(schema));
}

/** The SDL committed as schema.graphql; keeps every @auth use, which plain printSchema drops. */
export function printAppSchema(schema: GraphQLSchema = buildAppSchema()): string {
  return `${printSchemaWithDirectives(schema).trim()}\n`;
}

/** The SDL of the built-in operations together with an app's `resolvers`, for the app's own codegen. */
export function printCombinedSchema(resolvers: readonly ResolverClass[]): string {
  return printAppSchema(buildAppSchema(resolvers));
}
