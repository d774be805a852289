import { ConfigError, DAY, integer, oneOf, text, type Env } from './env';

export const MIN_SECRET_BYTES = 32;

export const JWT_ALGORITHMS = ['HS256', 'ES256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** `Secret` is `Buffer | undefined` only between `loadConfig` and `resolveDevSecret`; see `LoadedConfig`. */
export interface JwtConfig<Secret extends Buffer | undefined = Buffer> {
  /** The key-encryption secret: signing keys are stored encrypted with a key derived from it. */
  secret: Secret;
  /** The algorithm new signing keys use. */
  algorithm: JwtAlgorithm;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  /** Verified tokens remembered per instance; 0 verifies every request from scratch. */
  verifiedTokenCacheSize: number;
}

export interface SigningKeyConfig {
  /** A new key is published this long before it signs, so every instance and verifier knows it first. */
  publishSeconds: number;
  /** The ACTIVE key is rotated once it is this old; 0 rotates only when asked. */
  rotationDays: number;
}

export interface JwtSettings<Secret extends Buffer | undefined = Buffer> {
  jwt: JwtConfig<Secret>;
  signingKeys: SigningKeyConfig;
}

/** A production instance must never sign with a key nobody chose on purpose. */
/** An issuer that is an http(s) URL, without a trailing slash; null when it is a plain name. */
export function issuerBaseUrl(issuer: string): string | null {
  try {
    const url = new URL(issuer);
    return url.protocol === 'https:' || url.protocol === 'http:' ? issuer.replace(/\/+$/, '') : null;
  } catch {
    return null;
  }
}

export const missingProductionSecret = () =>
  new ConfigError('JWT_SECRET', `is required when NODE_ENV=production (at least ${MIN_SECRET_BYTES} bytes)`);

/** JWT_SECRET when given; undefined in development, where the start reads or creates the secret under DATA_DIR. */
function jwtSecret(env: Env, production: boolean): Buffer | undefined {
  const raw = env.JWT_SECRET;
  if (raw !== undefined && raw !== '') {
    const secret = Buffer.from(raw, 'utf8');
    if (secret.length < MIN_SECRET_BYTES) {
      throw new ConfigError('JWT_SECRET', `must be at least ${MIN_SECRET_BYTES} bytes, got ${secret.length}`);
    }
    return secret;
  }
  if (production) throw missingProductionSecret();
  return undefined;
}

export function jwtSettings(env: Env, production: boolean): JwtSettings<Buffer | undefined> {
  return {
    jwt: {
      secret: jwtSecret(env, production),
      algorithm: oneOf(env, 'JWT_ALGORITHM', JWT_ALGORITHMS, 'HS256'),
      issuer: text(env, 'JWT_ISSUER', 'token-warden'),
      audience: text(env, 'JWT_AUDIENCE', 'token-warden'),
      accessTokenTtlSeconds: integer(env, 'ACCESS_TOKEN_TTL', 900, 10, DAY),
      verifiedTokenCacheSize: integer(env, 'TOKEN_CACHE_SIZE', 10_000, 0, 1_000_000),
    },
    signingKeys: {
      publishSeconds: integer(env, 'SIGNING_KEY_PUBLISH_SECONDS', 30, 10, 3600),
      rotationDays: integer(env, 'SIGNING_KEY_ROTATION_DAYS', 0, 0, 3650),
    },
  };
}
