import { ConfigError, integer, oneOf, type Env } from './env';
import { issuerBaseUrl } from './jwt.config';

/** Entries a list must hold at least, for herd privacy (draft-ietf-oauth-status-list §13.4). */
export const MIN_STATUS_LIST_SIZE = 16_384;
/** Entries a list may hold at most: 2 MB of bits, and indices the permutation handles in 24 bits. */
export const MAX_STATUS_LIST_SIZE = 16_777_216;

export interface StatusListConfig {
  /** False with STATUS_LIST=off: ES256 access tokens then carry no `status` claim. */
  enabled: boolean;
  /** The Status List Token's `ttl`: how long a verifier may cache a list. */
  ttlSeconds: number;
  /** Entries in each new list. */
  size: number;
}

export interface StatusListSettings {
  statusList: StatusListConfig;
}

export function statusListSettings(env: Env, jwt: { algorithm: string; issuer: string }): StatusListSettings {
  const enabled = oneOf(env, 'STATUS_LIST', ['on', 'off'], 'on') === 'on';
  // A token's status uri must be fetchable and must not come from a request's Host header (which
  // would let a client point its own token at a list it controls): it lives under the issuer URL.
  if (enabled && jwt.algorithm === 'ES256' && issuerBaseUrl(jwt.issuer) === null) {
    throw new ConfigError(
      'JWT_ISSUER',
      `must be this service's http(s) URL when JWT_ALGORITHM=ES256 puts a status list uri in every token, got "${jwt.issuer}" (or set STATUS_LIST=off)`,
    );
  }
  return {
    statusList: {
      enabled,
      ttlSeconds: integer(env, 'STATUS_LIST_TTL_SECONDS', 60, 10, 3600),
      size: integer(env, 'STATUS_LIST_SIZE', 131_072, MIN_STATUS_LIST_SIZE, MAX_STATUS_LIST_SIZE),
    },
  };
}
