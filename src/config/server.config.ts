import { ConfigError, exactOrigin, integer, optionalText, text, type Env } from './env';

/** Where the HTTP server listens, whom it trusts, and how it stops. */
export interface ServerConfig {
  port: number;
  host: string;
  /** Express's `trust proxy`: which proxies' X-Forwarded-For names the client address. */
  trustProxy: string | number | false;
  /** Exact origins (`scheme://host[:port]`) whose pages may call /graphql with credentials. */
  corsOrigins: readonly string[];
  /** At shutdown, how long requests in flight and closing WebSockets get before they are cut. */
  shutdownGraceMs: number;
}

function trustProxy(env: Env): ServerConfig['trustProxy'] {
  const raw = optionalText(env, 'TRUST_PROXY');
  if (raw === undefined || raw === 'false') return false;
  return /^\d+$/.test(raw) ? integer(env, 'TRUST_PROXY', 0, 0, 10) : raw;
}

function corsOrigin(entry: string): string {
  // A wildcard together with credentials would let every site act with the user's cookie.
  if (entry === '*') throw new ConfigError('CORS_ORIGINS', 'must list exact origins; "*" is never allowed');
  return exactOrigin('CORS_ORIGINS', entry);
}

function corsOrigins(env: Env): string[] {
  const raw = optionalText(env, 'CORS_ORIGINS');
  return raw === undefined ? [] : raw.split(',').map((entry) => corsOrigin(entry.trim()));
}

export function serverConfig(env: Env): ServerConfig {
  return {
    port: integer(env, 'PORT', 4000, 0, 65_535),
    host: text(env, 'HOST', '127.0.0.1'),
    trustProxy: trustProxy(env),
    corsOrigins: corsOrigins(env),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_SECONDS', 10, 0, 3600) * 1000,
  };
}
