import { decodeJwtPart } from './forge';

/** One access token a simulated client holds, and what the server has acknowledged about it. */
export interface LedgerToken {
  token: string;
  userId: string;
  sessionId: string;
  /** The `iat` claim in milliseconds, compared with the cutoffs of "revoke every token of the user". */
  issuedAtMs: number;
  /** When the request that issued it was sent and answered, by the client's clock. */
  requestedAtMs: number;
  receivedAtMs: number;
  /** Refused from now on: the server acknowledged a revocation that covers it. */
  revoked: boolean;
  /** Which acknowledgement revoked it, for the message when the server disagrees. */
  revokedBy?: string;
  /**
   * Issued while a "revoke every token of the user" was in flight and stamped after its cutoff:
   * whether it is refused depends on which of the two the database ordered first.
   */
  uncertain: boolean;
}

/** An acknowledged "revoke every token of the user": its cutoff and when it was sent and answered. */
interface UserRevocation {
  cutoffMs: number;
  sentAtMs: number;
  acknowledgedAtMs: number;
}

const overlaps = (entry: LedgerToken, revocation: UserRevocation) =>
  entry.requestedAtMs < revocation.acknowledgedAtMs && entry.receivedAtMs > revocation.sentAtMs;

/**
 * The client side's record of a load run: every token issued, every revocation the server
 * acknowledged, every refresh token it accepted. The invariants are checked against it.
 */
export class TokenLedger {
  readonly tokens: LedgerToken[] = [];
  private readonly byToken = new Map<string, LedgerToken>();
  private readonly userRevocations = new Map<string, UserRevocation[]>();
  private readonly acceptedRefreshTokens = new Set<string>();
  /** Refresh tokens the server accepted a second time: must stay empty. */
  readonly acceptedTwice: string[] = [];

  issued(token: string, requestedAtMs: number): LedgerToken {
    const claims = decodeJwtPart(token, 1);
    const entry: LedgerToken = {
      token,
      userId: String(claims.sub),
      sessionId: String(claims.sid),
      issuedAtMs: Math.round(Number(claims.iat) * 1000),
      requestedAtMs,
      receivedAtMs: Date.now(),
      revoked: false,
      uncertain: false,
    };
    for (const revocation of this.userRevocations.get(entry.userId) ?? []) this.applyUserRevocation(entry, revocation);
    this.tokens.push(entry);
    this.byToken.set(token, entry);
    return entry;
  }

  refreshAccepted(refreshToken: string): void {
    if (this.acceptedRefreshTokens.has(refreshToken)) this.acceptedTwice.push(refreshToken);
    this.acceptedRefreshTokens.add(refreshToken);
  }

  /** The session was ended (logout, refresh reuse): every token it issued is refused. */
  sessionRevoked(sessionId: string, how: string): void {
    for (const entry of this.tokens) if (entry.sessionId === sessionId) this.revoke(entry, how);
  }

  /**
   * "Revoke every token of the user" acknowledged with its cutoff: tokens stamped at or before it
   * are refused; one stamped after it but issued while the revocation was in flight is uncertain.
   */
  userRevoked(userId: string, revocation: UserRevocation): void {
    this.userRevocations.set(userId, [...(this.userRevocations.get(userId) ?? []), revocation]);
    for (const entry of this.tokens) if (entry.userId === userId) this.applyUserRevocation(entry, revocation);
  }

  tokenRevoked(token: string): void {
    const entry = this.byToken.get(token);
    if (entry) this.revoke(entry, 'revokeToken');
  }

  /**
   * Whether an acknowledged "revoke every token of the user" can have ended a session signed in
   * at `sessionRequestedAtMs` before a refresh of it was refused at `refusedAtMs`: one sent before
   * the refusal and acknowledged after the sign-in was sent.
   */
  userRevocationEnded(userId: string, sessionRequestedAtMs: number, refusedAtMs: number): boolean {
    return (this.userRevocations.get(userId) ?? []).some(
      (revocation) => revocation.sentAtMs < refusedAtMs && sessionRequestedAtMs < revocation.acknowledgedAtMs,
    );
  }

  isRevoked(token: string): boolean {
    return this.byToken.get(token)?.revoked ?? false;
  }

  /** Forgets everything, so that the ledger's own memory does not count in a heap measurement. */
  clear(): void {
    this.tokens.length = 0;
    this.byToken.clear();
    this.userRevocations.clear();
    this.acceptedRefreshTokens.clear();
  }

  private applyUserRevocation(entry: LedgerToken, revocation: UserRevocation): void {
    if (entry.issuedAtMs <= revocation.cutoffMs) this.revoke(entry, `user cutoff ${revocation.cutoffMs}`);
    else if (!entry.revoked && overlaps(entry, revocation)) entry.uncertain = true;
  }

  private revoke(entry: LedgerToken, how: string): void {
    entry.uncertain = false;
    if (entry.revoked) return;
    entry.revoked = true;
    entry.revokedBy = `${how} at ${Date.now()}`;
  }
}
