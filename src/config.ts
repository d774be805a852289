import { resolve } from 'node:path';
import { loadOrCreateDevSecret } from './auth/dev-secret';
import { ConfigError, flag, integer, oneOf, optionalText, text, type Env } from './env';

export { ConfigError } from './env';

export const MIN_SECRET_BYTES = 32;
export const MIN_PASSWORD_LENGTH = 12;

export const JWT_ALGORITHMS = ['HS256', 'ES256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export interface JwtConfig {
  /** The key-encryption secret: signing keys are stored encrypted with a key derived from it. */
  secret: Buffer;
  /** The algorithm new signing keys use. */
  algorithm: JwtAlgorithm;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  /** Verified tokens remembered per instance; 0 verifies every request from scratch. */
  verifiedTokenCacheSize: number;
}

export interface Config {
  production: boolean;
  port: number;
  host: string;
  /** Unset: the embedded PGlite database under `dataDir`. */
  databaseUrl: string | undefined;
  /** PostgreSQL only: a statement running longer is cancelled; 0 lets statements run for ever. */
  databaseStatementTimeoutMs: number;
  dataDir: string;
  jwt: JwtConfig;
  refreshTokenTtlSeconds: number;
  refreshReuseGraceSeconds: number;
  admin: { email: string; password: string } | undefined;
  cleanupIntervalSeconds: number;
  revocationCheck: RevocationStrategy;
  /** How often a mirror compares its feed version with the database's. */
  reconcileIntervalMs: number;
  /** At shutdown, how long requests in flight and closing WebSockets get before they are cut. */
  shutdownGraceMs: number;
  log: LogConfig;
  graphql: GraphQLLimits;
  /** When set, `GET /metrics` needs `Authorization: Bearer <this>`. */
  metricsToken: string | undefined;
  /** Express's `trust proxy`: which proxies' X-Forwarded-For names the client address. */
  trustProxy: string | number | false;
  loginThrottle: LoginThrottleConfig;
  /** Exact origins (`scheme://host[:port]`) whose pages may call /graphql with credentials. */
  corsOrigins: readonly string[];
  websocket: WebSocketLimits;
  signingKeys: SigningKeyConfig;
  /** Services that may call /oauth/introspect and /oauth/revoke (HTTP Basic). */
  oauthClients: readonly OAuthClient[];
  /** OpenTelemetry tracing; undefined (the default) loads none of its SDK. */
  tracing: TracingConfig | undefined;
}

export interface TracingConfig {
  /** Where spans are sent: OTLP over HTTP (JSON), `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`. */
  tracesUrl: string;
  serviceName: string;
}

export interface SigningKeyConfig {
  /** A new key is published this long before it signs, so every instance and verifier knows it first. */
  publishSeconds: number;
  /** The ACTIVE key is rotated once it is this old; 0 rotates only when asked. */
  rotationDays: number;
}

export interface OAuthClient {
  id: string;
  secret: string;
}

export const MIN_CLIENT_SECRET_LENGTH = 32;

/** Bounds on GraphQL subscriptions over WebSocket, each refused with its own close code or error. */
export interface WebSocketLimits {
  /** Open authenticated sockets per user on one instance; one more is closed with 1008. */
  maxSocketsPerUser: number;
  /** Subscriptions running at once on one socket; one more is answered TOO_MANY_REQUESTS. */
  maxSubscriptionsPerSocket: number;
  /** A socket that has not sent `connection_init` by then is closed with 4408. */
  connectionInitTimeoutMs: number;
  /** A larger message closes the socket with 1009. */
  maxMessageBytes: number;
  /** Each socket is pinged this often; one that has not answered the previous ping is terminated. */
  keepAliveMs: number;
}

export type RevocationStrategy = 'mirror' | 'database';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogConfig {
  level: LogLevel;
  /** Human-readable lines instead of JSON; the default outside production. */
  pretty: boolean;
}

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

/** Failed logins per key (one email, one client address) within a window. */
export interface ThrottleLimits {
  /** Failures allowed before each further attempt must wait. */
  freeFailures: number;
  /** Failures after which attempts are refused until the window ends; 0 turns the scope off. */
  maxFailures: number;
}

export interface LoginThrottleConfig {
  windowSeconds: number;
  maxDelaySeconds: number;
  email: ThrottleLimits;
  address: ThrottleLimits;
}

/** An optional URL whose scheme must be one of `schemes`; its value is never echoed, as it may hold a password. */
function optionalUrl(env: Env, name: string, schemes: readonly string[]): string | undefined {
  const raw = optionalText(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!schemes.includes(url.protocol)) {
    throw new ConfigError(name, `must start with ${schemes.map((scheme) => `${scheme}//`).join(' or ')}`);
  }
  return raw;
}

const databaseUrl = (env: Env) => optionalUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);

function jwtSecret(env: Env, production: boolean, dataDir: string): Buffer {
  const raw = env.JWT_SECRET;
  if (raw !== undefined && raw !== '') {
    const secret = Buffer.from(raw, 'utf8');
    if (secret.length < MIN_SECRET_BYTES) {
      throw new ConfigError('JWT_SECRET', `must be at least ${MIN_SECRET_BYTES} bytes, got ${secret.length}`);
    }
    return secret;
  }
  // A production instance must never sign with a key nobody chose on purpose.
  if (production)
    throw new ConfigError('JWT_SECRET', `is required when NODE_ENV=production (at least ${MIN_SECRET_BYTES} bytes)`);
  return loadOrCreateDevSecret(dataDir);
}

function admin(env: Env): Config['admin'] {
  const email = optionalText(env, 'ADMIN_EMAIL');
  const password = env.ADMIN_PASSWORD === '' ? undefined : env.ADMIN_PASSWORD;
  if (email === undefined && password === undefined) return undefined;
  if (email === undefined) throw new ConfigError('ADMIN_EMAIL', 'is required when ADMIN_PASSWORD is set');
  if (password === undefined) throw new ConfigError('ADMIN_PASSWORD', 'is required when ADMIN_EMAIL is set');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new ConfigError('ADMIN_EMAIL', `is not an email address: "${email}"`);
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new ConfigError('ADMIN_PASSWORD', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  return { email: email.toLowerCase(), password };
}

const DAY = 86_400;

function trustProxy(env: Env): Config['trustProxy'] {
  const raw = optionalText(env, 'TRUST_PROXY');
  if (raw === undefined || raw === 'false') return false;
  return /^\d+$/.test(raw) ? integer(env, 'TRUST_PROXY', 0, 0, 10) : raw;
}

function throttleLimits(env: Env, scope: 'EMAIL' | 'ADDRESS', free: number, max: number): ThrottleLimits {
  const limits = {
    freeFailures: integer(env, `LOGIN_THROTTLE_${scope}_FREE`, free, 1, 10_000),
    maxFailures: integer(env, `LOGIN_THROTTLE_${scope}_MAX`, max, 0, 100_000),
  };
  if (limits.maxFailures !== 0 && limits.maxFailures < limits.freeFailures) {
    throw new ConfigError(`LOGIN_THROTTLE_${scope}_MAX`, `must be 0 or at least LOGIN_THROTTLE_${scope}_FREE`);
  }
  return limits;
}

function loginThrottle(env: Env): LoginThrottleConfig {
  return {
    windowSeconds: integer(env, 'LOGIN_THROTTLE_WINDOW_SECONDS', 900, 1, DAY),
    maxDelaySeconds: integer(env, 'LOGIN_THROTTLE_MAX_DELAY_SECONDS', 60, 1, 3600),
    email: throttleLimits(env, 'EMAIL', 5, 20),
    address: throttleLimits(env, 'ADDRESS', 20, 100),
  };
}

function exactOrigin(entry: string): string {
  // A wildcard together with credentials would let every site act with the user's cookie.
  if (entry === '*') throw new ConfigError('CORS_ORIGINS', 'must list exact origins; "*" is never allowed');
  let url: URL | undefined;
  try {
    url = new URL(entry);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== entry) {
    throw new ConfigError(
      'CORS_ORIGINS',
      `has "${entry}", which is not an exact origin like https://app.example.com (scheme://host[:port], lower case, no path)`,
    );
  }
  return entry;
}

function corsOrigins(env: Env): string[] {
  const raw = optionalText(env, 'CORS_ORIGINS');
  return raw === undefined ? [] : raw.split(',').map((entry) => exactOrigin(entry.trim()));
}

/** How often each socket is pinged unless WS_KEEPALIVE_SECONDS says otherwise. */
export const DEFAULT_WS_KEEPALIVE_SECONDS = 30;

function websocketLimits(env: Env): WebSocketLimits {
  return {
    maxSocketsPerUser: integer(env, 'WS_MAX_SOCKETS_PER_USER', 1000, 1, 1_000_000),
    maxSubscriptionsPerSocket: integer(env, 'WS_MAX_SUBSCRIPTIONS_PER_SOCKET', 20, 1, 10_000),
    connectionInitTimeoutMs: integer(env, 'WS_CONNECTION_INIT_TIMEOUT_MS', 3000, 100, 60_000),
    maxMessageBytes: integer(env, 'WS_MAX_MESSAGE_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    keepAliveMs: integer(env, 'WS_KEEPALIVE_SECONDS', DEFAULT_WS_KEEPALIVE_SECONDS, 1, 300) * 1000,
  };
}

function graphqlLimits(env: Env): GraphQLLimits {
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

function tracing(env: Env): TracingConfig | undefined {
  const endpoint = optionalUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']);
  if (endpoint === undefined) return undefined;
  // The variable names the collector's base URL; the signal's path is appended as the OTLP spec says.
  return {
    tracesUrl: `${endpoint.replace(/\/+$/, '')}/v1/traces`,
    serviceName: text(env, 'OTEL_SERVICE_NAME', 'token-warden'),
  };
}

function oauthClients(env: Env): OAuthClient[] {
  const raw = optionalText(env, 'OAUTH_CLIENTS');
  if (raw === undefined) return [];
  const clients: OAuthClient[] = [];
  for (const entry of raw.split(',')) {
    const pair = entry.trim();
    const colon = pair.indexOf(':');
    const id = colon > 0 ? pair.slice(0, colon) : '';
    const secret = colon > 0 ? pair.slice(colon + 1) : '';
    if (!/^[A-Za-z0-9._~-]{1,100}$/.test(id)) {
      throw new ConfigError(
        'OAUTH_CLIENTS',
        'must be id:secret pairs, comma-separated, ids of letters, digits and . _ ~ -',
      );
    }
    if (secret.length < MIN_CLIENT_SECRET_LENGTH) {
      throw new ConfigError(
        'OAUTH_CLIENTS',
        `has a secret shorter than ${MIN_CLIENT_SECRET_LENGTH} characters for "${id}"`,
      );
    }
    if (clients.some((client) => client.id === id)) {
      throw new ConfigError('OAUTH_CLIENTS', `names the client "${id}" twice`);
    }
    clients.push({ id, secret });
  }
  return clients;
}

function signingKeys(env: Env): SigningKeyConfig {
  return {
    publishSeconds: integer(env, 'SIGNING_KEY_PUBLISH_SECONDS', 30, 10, 3600),
    rotationDays: integer(env, 'SIGNING_KEY_ROTATION_DAYS', 0, 0, 3650),
  };
}

/** Reads and validates every setting once; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const dataDir = resolve(text(env, 'DATA_DIR', './.data'));
  const accessTokenTtlSeconds = integer(env, 'ACCESS_TOKEN_TTL', 900, 10, DAY);
  return {
    production,
    port: integer(env, 'PORT', 4000, 0, 65_535),
    host: text(env, 'HOST', '127.0.0.1'),
    databaseUrl: databaseUrl(env),
    databaseStatementTimeoutMs: integer(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 5000, 0, 600_000),
    dataDir,
    jwt: {
      secret: jwtSecret(env, production, dataDir),
      algorithm: oneOf(env, 'JWT_ALGORITHM', JWT_ALGORITHMS, 'HS256'),
      issuer: text(env, 'JWT_ISSUER', 'token-warden'),
      audience: text(env, 'JWT_AUDIENCE', 'token-warden'),
      accessTokenTtlSeconds,
      verifiedTokenCacheSize: integer(env, 'TOKEN_CACHE_SIZE', 10_000, 0, 1_000_000),
    },
    refreshTokenTtlSeconds: integer(env, 'REFRESH_TOKEN_TTL', 30 * DAY, 60, 365 * DAY),
    refreshReuseGraceSeconds: integer(env, 'REFRESH_REUSE_GRACE_SECONDS', 0, 0, 300),
    admin: admin(env),
    cleanupIntervalSeconds: integer(env, 'CLEANUP_INTERVAL_SECONDS', 3600, 1, 7 * DAY),
    revocationCheck: oneOf(env, 'REVOCATION_CHECK', ['mirror', 'database'], 'mirror'),
    reconcileIntervalMs: integer(env, 'REVOCATION_RECONCILE_MS', 1000, 50, 60_000),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_SECONDS', 10, 0, 3600) * 1000,
    log: {
      level: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
      pretty: oneOf(env, 'LOG_FORMAT', ['json', 'pretty'], production ? 'json' : 'pretty') === 'pretty',
    },
    graphql: graphqlLimits(env),
    metricsToken: optionalText(env, 'METRICS_TOKEN'),
    trustProxy: trustProxy(env),
    loginThrottle: loginThrottle(env),
    corsOrigins: corsOrigins(env),
    websocket: websocketLimits(env),
    tracing: tracing(env),
    signingKeys: signingKeys(env),
    oauthClients: oauthClients(env),
  };
}
