import { accountsConfig, type AccountsConfig } from './accounts.config';
import { adminConfig, type AdminConfig } from './admin.config';
import { databaseConfig, type DatabaseConfig } from './database.config';
import type { Env } from './env';
import { graphqlLimits, type GraphQLLimits } from './graphql.config';
import { jwtSettings, type JwtSettings } from './jwt.config';
import { oauthConfig, type OAuthConfig } from './oauth.config';
import { observabilityConfig, type ObservabilityConfig } from './observability.config';
import { revocationConfig, type RevocationConfig } from './revocation.config';
import { serverConfig, type ServerConfig } from './server.config';
import { sessionsConfig, type SessionsConfig } from './sessions.config';
import { statusListSettings, type StatusListSettings } from './status-list.config';
import { webauthnConfig, type WebAuthnConfig } from './webauthn.config';
import { websocketLimits, type WebSocketLimits } from './websocket.config';

export type { AccountsConfig, MailConfig } from './accounts.config';
export { MIN_PASSWORD_LENGTH } from './admin.config';
export { ConfigError } from './env';
export type { GraphQLLimits } from './graphql.config';
export {
  issuerBaseUrl,
  JWT_ALGORITHMS,
  MIN_SECRET_BYTES,
  missingProductionSecret,
  type JwtAlgorithm,
  type JwtConfig,
  type SigningKeyConfig,
} from './jwt.config';
export { MIN_CLIENT_SECRET_LENGTH, type OAuthClient } from './oauth.config';
export { LOG_LEVELS, type LogConfig, type LogLevel, type TracingConfig } from './observability.config';
export {
  REVOCATION_BUSES,
  type RevocationBusConfig,
  type RevocationBusName,
  type RevocationStrategy,
} from './revocation.config';
export type { LoginThrottleConfig, ThrottleLimits } from './sessions.config';
export { MIN_STATUS_LIST_SIZE, type StatusListConfig } from './status-list.config';
export type { WebAuthnConfig } from './webauthn.config';
export { DEFAULT_WS_KEEPALIVE_SECONDS, type WebSocketLimits } from './websocket.config';

/** Every setting the service runs with, one interface per concern. */
export interface Config<Secret extends Buffer | undefined = Buffer>
  extends ServerConfig,
    DatabaseConfig,
    JwtSettings<Secret>,
    SessionsConfig,
    AdminConfig,
    AccountsConfig,
    RevocationConfig,
    ObservabilityConfig,
    OAuthConfig,
    StatusListSettings {
  production: boolean;
  graphql: GraphQLLimits;
  websocket: WebSocketLimits;
  webauthn: WebAuthnConfig;
}

/**
 * What `loadConfig` returns. In development without JWT_SECRET, `jwt.secret` is undefined: the
 * secret lives in a file under `dataDir`, which `resolveDevSecret` reads or creates at start.
 */
export type LoadedConfig = Config<Buffer | undefined>;

/**
 * Reads and validates every setting once; throws ConfigError naming the first bad variable.
 * Reads nothing but `env` and writes nothing.
 */
export function loadConfig(env: Env = process.env): LoadedConfig {
  const production = env.NODE_ENV === 'production';
  const jwt = jwtSettings(env, production);
  const server = serverConfig(env);
  return {
    production,
    ...server,
    ...databaseConfig(env),
    ...jwt,
    ...statusListSettings(env, jwt.jwt),
    ...sessionsConfig(env),
    ...adminConfig(env),
    ...accountsConfig(env, production),
    ...revocationConfig(env),
    ...observabilityConfig(env, production),
    graphql: graphqlLimits(env),
    websocket: websocketLimits(env),
    ...oauthConfig(env),
    ...webauthnConfig(env, server.corsOrigins),
  };
}
