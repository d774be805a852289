import 'reflect-metadata';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchemaSync, type PubSub } from 'type-graphql';
import { AuditResolver } from '../audit/audit.resolver';
import { applyAuthDirective } from '../auth/auth.directive';
import { DatabaseUnavailableMiddleware } from './database-unavailable.middleware';
import { SigningKeyResolver } from '../keys/signing-key.resolver';
import { SessionEventsResolver } from '../live/session-events.resolver';
import { RevocationResolver } from '../revocation/revocation.resolver';
import { SessionManagementResolver } from '../sessions/session-management.resolver';
import { SessionResolver } from '../sessions/session.resolver';
import { UserDirectoryResolver } from '../users/user-directory.resolver';
import { UserResolver } from '../users/user.resolver';

/** Mutations anyone may call; every other Query and Mutation field must carry @auth. */
export const PUBLIC_OPERATIONS: ReadonlySet<string> = new Set(['register', 'login', 'refreshToken']);

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

export function buildAppSchema(): GraphQLSchema {
  const schema = buildSchemaSync({
    resolvers: [
      SessionResolver,
      SessionManagementResolver,
      UserResolver,
      UserDirectoryResolver,
      RevocationResolver,
      AuditResolver,
      SigningKeyResolver,
      SessionEventsResolver,
    ],
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    globalMiddlewares: [DatabaseUnavailableMiddleware],
    validate: false,
    pubSub: NO_TOPICS,
  });
  return applyAuthDirective(schema);
}

/** The SDL committed as schema.graphql; keeps every @auth use, which plain printSchema drops. */
export function printAppSchema(schema: GraphQLSchema = buildAppSchema()): string {
  return `${printSchemaWithDirectives(schema).trim()}\n`;
}
