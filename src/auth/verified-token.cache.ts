import { LRUCache } from 'lru-cache';
import type { AccessClaims, UnverifiedClaims } from './claims';

/** A token that passed full verification: its claims, and the part the revocation check reads. */
export interface VerifiedToken {
  claims: AccessClaims;
  forCheck: UnverifiedClaims;
}

/**
 * Access tokens that already passed full verification, so a client's next request with the same
 * token skips the base64, JSON and HMAC work. Only a token whose signature verified can enter, so
 * a flood of forged tokens cannot evict the genuine ones. Expiry is the caller's to check on every
 * hit, and revocation is checked on every request whatever this holds.
 */
export class VerifiedTokenCache {
  private readonly cache: LRUCache<string, VerifiedToken> | undefined;

  constructor(maxTokens: number) {
    this.cache = maxTokens > 0 ? new LRUCache({ max: maxTokens }) : undefined;
  }

  get(token: string): VerifiedToken | undefined {
    return this.cache?.get(token);
  }

  remember(token: string, claims: AccessClaims): void {
    this.cache?.set(token, {
      claims,
      forCheck: {
        jti: claims.jti,
        sub: claims.sub,
        sid: claims.sid,
        issuedAtMs: Math.round(claims.iat * 1000),
        kid: claims.kid,
      },
    });
  }
}
