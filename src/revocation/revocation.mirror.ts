import type { UnverifiedClaims } from '../auth/tokens';
import type { RevocationChanges } from './revocation.notice';
import type { Revoked } from './revocation.check';

/** Packed as one object per entry, its reason shared with every entry revoked for the same reason. */
interface Entry {
  untilMs: number;
  reason: string | null;
}

/**
 * The revocation state held in memory: unexpired blacklisted jtis and every user's cutoff.
 * Applying changes is idempotent and order-free (a jti is only ever added, a cutoff only ever
 * raised), so a snapshot and notifications may be applied in any order and still agree.
 */
export class RevocationMirror {
  private readonly jtis = new Map<string, Entry>();
  private readonly cutoffs = new Map<string, Entry>();
  private readonly reasons = new Map<string, string>();

  get size(): number {
    return this.jtis.size;
  }

  get usersWithCutoff(): number {
    return this.cutoffs.size;
  }

  private intern(reason: string | null): string | null {
    if (reason === null) return null;
    const known = this.reasons.get(reason);
    if (known !== undefined) return known;
    this.reasons.set(reason, reason);
    return reason;
  }

  addJti(jti: string, expiresAtMs: number, reason: string | null): void {
    if (!this.jtis.has(jti)) this.jtis.set(jti, { untilMs: expiresAtMs, reason: this.intern(reason) });
  }

  raiseCutoff(userId: string, cutoffMs: number, reason: string | null): void {
    const current = this.cutoffs.get(userId);
    if (current === undefined || cutoffMs >= current.untilMs) {
      this.cutoffs.set(userId, { untilMs: cutoffMs, reason: this.intern(reason) });
    }
  }

  apply(changes: RevocationChanges): void {
    for (const [jti, expiresAtMs] of changes.jtis) this.addJti(jti, expiresAtMs, changes.reason);
    for (const [userId, cutoffMs] of changes.cutoffs) this.raiseCutoff(userId, cutoffMs, changes.reason);
  }

  /** The same rule as the database check: a blacklisted unexpired jti, or issued at or before the cutoff. */
  lookup(claims: UnverifiedClaims, nowMs: number): Revoked | null {
    const entry = this.jtis.get(claims.jti);
    if (entry !== undefined && entry.untilMs > nowMs) return { reason: entry.reason };
    const cutoff = this.cutoffs.get(claims.sub);
    if (cutoff !== undefined && claims.issuedAtMs <= cutoff.untilMs) return { reason: cutoff.reason };
    return null;
  }

  /** Forgets expired jtis; returns how many. */
  dropExpired(nowMs: number): number {
    let dropped = 0;
    for (const [jti, entry] of this.jtis) {
      if (entry.untilMs <= nowMs) {
        this.jtis.delete(jti);
        dropped += 1;
      }
    }
    if (dropped > 0) this.reasons.clear();
    return dropped;
  }

  clear(): void {
    this.jtis.clear();
    this.cutoffs.clear();
    this.reasons.clear();
  }
}
