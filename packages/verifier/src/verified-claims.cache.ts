import type { VerifiedClaims } from './token.verification';
import type { TokenFacts } from './revocation.state';

export interface KnownToken {
  claims: VerifiedClaims;
  facts: TokenFacts;
}

/**
 * Tokens whose signature verified, so the next request with the same token costs a map lookup.
 * Only a verified token enters, so forged ones cannot push genuine ones out; the oldest entry goes
 * first. Expiry and revocation are checked on every call whatever this holds.
 */
export class VerifiedClaimsCache {
  private readonly tokens = new Map<string, KnownToken>();

  constructor(private readonly capacity: number) {}

  get(token: string): KnownToken | undefined {
    return this.tokens.get(token);
  }

  remember(token: string, claims: VerifiedClaims): KnownToken {
    const known: KnownToken = {
      claims,
      facts: {
        jti: claims.jti,
        sub: claims.sub,
        sid: claims.sid,
        issuedAtMs: Math.round(claims.iat * 1000),
        kid: claims.kid,
      },
    };
    if (this.capacity === 0) return known;
    if (this.tokens.size >= this.capacity) {
      const oldest = this.tokens.keys().next();
      if (oldest.done !== true) this.tokens.delete(oldest.value);
    }
    this.tokens.set(token, known);
    return known;
  }
}
