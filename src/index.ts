/**
 * Token Warden as a library: an app's GraphQL server built on its sessions, tokens and revocations,
 * every operation guarded unless marked public.
 */
import 'reflect-metadata';

export { createTokenWarden, type AppMigrations, type TokenWarden, type TokenWardenOptions } from './token-warden';
export { Auth, requireViewer, type AuthOptions } from './auth/auth.directive';
export { Public } from './auth/public';
export { Role } from './auth/role';
export type { RequestContext, Viewer } from './auth/context';
export { UnguardedOperationsError } from './auth/deny-by-default';
export { printCombinedSchema, type ResolverClass } from './graphql/schema';
export { ConfigError, loadConfig, type Config, type LoadedConfig } from './config';
export { AppError, badUserInput, ErrorCode, forbidden, notFound, unauthenticated } from './errors';
export { isUuid } from './ids';
export { isStorableText } from './db/storable-text';
export type { Services } from './services';
export type { Database } from './db/database';
export { users as usersTable } from './db/schema';
export { createLogger, type Logger } from './observability/logger';
