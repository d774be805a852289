import { resolve } from 'node:path';
import { loadOrCreateDevSecret } from './auth/dev-secret';

export const MIN_SECRET_BYTES = 32;
export const MIN_PASSWORD_LENGTH = 12;

export interface JwtConfig {
  secret: Buffer;
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
  dataDir: string;
  jwt: JwtConfig;
  refreshTokenTtlSeconds: number;
  refreshReuseGraceSeconds: number;
  admin: { email: string; password: string } | undefined;
  cleanupIntervalSeconds: number;
  revocationCheck: RevocationStrategy;
  /** How often a mirror compares its feed version with the database's. */
  reconcileIntervalMs: number;
}

export type RevocationStrategy = 'mirror' | 'database';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function text(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? fallback : value;
}

function optionalText(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optionalText(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function databaseUrl(env: Env): string | undefined {
  const raw = optionalText(env, 'DATABASE_URL');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a valid URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', 'must start with postgres:// or postgresql://');
  }
  return raw;
}

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

function revocationStrategy(env: Env): RevocationStrategy {
  const value = text(env, 'REVOCATION_CHECK', 'mirror');
  if (value !== 'mirror' && value !== 'database') {
    throw new ConfigError('REVOCATION_CHECK', `must be "mirror" or "database", got "${value}"`);
  }
  return value;
}

const DAY = 86_400;

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
    dataDir,
    jwt: {
      secret: jwtSecret(env, production, dataDir),
      issuer: text(env, 'JWT_ISSUER', 'token-warden'),
      audience: text(env, 'JWT_AUDIENCE', 'token-warden'),
      accessTokenTtlSeconds,
      verifiedTokenCacheSize: integer(env, 'TOKEN_CACHE_SIZE', 10_000, 0, 1_000_000),
    },
    refreshTokenTtlSeconds: integer(env, 'REFRESH_TOKEN_TTL', 30 * DAY, 60, 365 * DAY),
    refreshReuseGraceSeconds: integer(env, 'REFRESH_REUSE_GRACE_SECONDS', 0, 0, 300),
    admin: admin(env),
    cleanupIntervalSeconds: integer(env, 'CLEANUP_INTERVAL_SECONDS', 3600, 1, 7 * DAY),
    revocationCheck: revocationStrategy(env),
    reconcileIntervalMs: integer(env, 'REVOCATION_RECONCILE_MS', 1000, 50, 60_000),
  };
}
