import { decodeJwtPart } from './forge';

/** One access token a simulated client holds, and what the server has acknowledged about it. */
export interface LedgerToken {
  token: string;
  userId: string;
  sessionId: string;
  /** The `iat` claim in milliseconds, compared with the cutoffs of "revoke every token of the user". */
  issuedAtMs: number;
  revoked: boolean;
}

/**
 * The client side's record of a load run: every token issued, every revocation the server
 * acknowledged, every refresh token it accepted. The invariants are checked against it.
 */
export class TokenLedger {
  readonly tokens: LedgerToken[] = [];
  private readonly byToken = new Map<string, LedgerToken>();
  /** The latest acknowledged "revoke every token" cutoff per user, for tokens whose answer arrives after it. */
  private readonly cutoffs = new Map<string, number>();
  private readonly acceptedRefreshTokens = new Set<string>();
  /** Refresh tokens the server accepted a second time: must stay empty. */
  readonly acceptedTwice: string[] = [];

  issued(token: string): LedgerToken {
    const claims = decodeJwtPart(token, 1);
    const entry: LedgerToken = {
      token,
      userId: String(claims.sub),
      sessionId: String(claims.sid),
      issuedAtMs: Math.round(Number(claims.iat) * 1000),
      revoked: false,
    };
    entry.revoked = entry.issuedAtMs <= (this.cutoffs.get(entry.userId) ?? Number.NEGATIVE_INFINITY);
    this.tokens.push(entry);
    this.byToken.set(token, entry);
    return entry;
  }

  refreshAccepted(refreshToken: string): void {
    if (this.acceptedRefreshTokens.has(refreshToken)) this.acceptedTwice.push(refreshToken);
    this.acceptedRefreshTokens.add(refreshToken);
  }

  /** A logout or a detected refresh reuse: every token of the session issued so far. */
  sessionRevoked(sessionId: string): void {
    for (const entry of this.tokens) if (entry.sessionId === sessionId) entry.revoked = true;
  }

  /** "Revoke every token of the user" answered with its cutoff: tokens issued at or before it. */
  userRevoked(userId: string, cutoffMs: number): void {
    this.cutoffs.set(userId, Math.max(cutoffMs, this.cutoffs.get(userId) ?? Number.NEGATIVE_INFINITY));
    for (const entry of this.tokens) {
      if (entry.userId === userId && entry.issuedAtMs <= cutoffMs) entry.revoked = true;
    }
  }

  tokenRevoked(token: string): void {
    const entry = this.byToken.get(token);
    if (entry) entry.revoked = true;
  }

  /** Forgets everything, so that the ledger's own memory does not count in a heap measurement. */
  clear(): void {
    this.tokens.length = 0;
    this.byToken.clear();
    this.cutoffs.clear();
  }

  isRevoked(token: string): boolean {
    return this.byToken.get(token)?.revoked ?? false;
  }
}
