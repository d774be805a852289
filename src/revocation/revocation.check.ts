import type { UnverifiedClaims } from '../auth/tokens';
import type { Clock } from '../clock';
import type { Database } from '../db/client';
import { findRevocationReason } from './revocation.store';

export interface Revoked {
  reason: string | null;
}

/**
 * The one question the request pipeline asks before verifying a token. Implementations may
 * answer from the database or from memory; the pipeline does not know which.
 */
export interface RevocationCheck {
  isRevoked(claims: UnverifiedClaims): Promise<Revoked | null>;
}

/** One query per request against the source of truth. */
export class DatabaseRevocationCheck implements RevocationCheck {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async isRevoked(claims: UnverifiedClaims): Promise<Revoked | null> {
    const found = await findRevocationReason(
      this.db,
      { jti: claims.jti, userId: claims.sub, issuedAt: new Date(claims.issuedAtMs) },
      new Date(this.clock()),
    );
    return found ?? null;
  }
}
