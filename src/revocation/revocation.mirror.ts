import type { UnverifiedClaims } from '../auth/claims';
import type { RevocationChanges } from './revocation.notice';
import { revocationOf, type Revoked } from './revocation.rule';

/** One entry of the whole state, as a stream sends it; each with the reason it was revoked for. */
export type MirrorEntry =
  | { kind: 'jti'; entry: [jti: string, expiresAtMs: number, reason: string | null] }
  | { kind: 'cutoff'; entry: [userId: string, cutoffMs: number, reason: string | null] }
  | { kind: 'session'; entry: [sessionId: string, cutoffMs: number, untilMs: number, reason: string | null] }
  | { kind: 'key'; entry: [kid: string, reason: string | null] };

/**
 * Packed as one object per entry, its reason shared with every entry revoked for the same reason.
 * Held until `untilMs`, when every token it refuses has expired.
 */
interface ExpiringEntry {
  untilMs: number;
  reason: string | null;
}

interface SessionEntry extends ExpiringEntry {
  cutoffMs: number;
}

/** A user's tokens issued at or before `cutoffMs` are revoked, for good. */
interface UserCutoff {
  cutoffMs: number;
  reason: string | null;
}

/**
 * The revocation state held in memory: unexpired blacklisted jtis, unexpired session cutoffs and
 * every user's cutoff. Applying changes is idempotent and order-free (a jti is only ever added, a
 * cutoff only ever raised), so a snapshot and notifications may be applied in any order and still agree.
 */
export class RevocationMirror {
  private readonly jtis = new Map<string, ExpiringEntry>();
  private readonly cutoffs = new Map<string, UserCutoff>();
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly reasons = new Map<string, string>();
  /** Revoked signing keys by kid, kept for good: there are few, and a revoked key never returns. */
  private readonly keys = new Map<string, { reason: string | null }>();

  get size(): number {
    return this.jtis.size;
  }

  get usersWithCutoff(): number {
    return this.cutoffs.size;
  }

  get sessionsWithCutoff(): number {
    return this.sessions.size;
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
    if (current === undefined || cutoffMs >= current.cutoffMs) {
      this.cutoffs.set(userId, { cutoffMs, reason: this.intern(reason) });
    }
  }

  raiseSessionCutoff(sessionId: string, cutoffMs: number, untilMs: number, reason: string | null): void {
    const current = this.sessions.get(sessionId);
    if (current === undefined || cutoffMs >= current.cutoffMs) {
      this.sessions.set(sessionId, {
        cutoffMs,
        untilMs: Math.max(untilMs, current?.untilMs ?? 0),
        reason: this.intern(reason),
      });
    }
  }

  revokeKey(kid: string, reason: string | null): void {
    if (!this.keys.has(kid)) this.keys.set(kid, { reason });
  }

  apply(changes: RevocationChanges): void {
    for (const [kid] of changes.keys ?? []) this.revokeKey(kid, changes.reason);
    for (const [jti, expiresAtMs] of changes.jtis) this.addJti(jti, expiresAtMs, changes.reason);
    for (const [userId, cutoffMs] of changes.cutoffs) this.raiseCutoff(userId, cutoffMs, changes.reason);
    for (const [sessionId, cutoffMs, untilMs] of changes.sessions) {
      this.raiseSessionCutoff(sessionId, cutoffMs, untilMs, changes.reason);
    }
  }

  lookup(claims: UnverifiedClaims, nowMs: number): Revoked | null {
    return revocationOf(
      claims,
      {
        jti: this.jtis.get(claims.jti),
        key: claims.kid === null ? undefined : this.keys.get(claims.kid),
        session: this.sessions.get(claims.sid),
        user: this.cutoffs.get(claims.sub),
      },
      nowMs,
    );
  }

  /**
   * Every entry, read-only, visited lazily: the maps are live, so an entry applied while a reader
   * pauses may appear too. That is harmless, as applying is idempotent and only ever adds.
   */
  *contents(): Generator<MirrorEntry> {
    for (const [kid, { reason }] of this.keys) yield { kind: 'key', entry: [kid, reason] };
    for (const [userId, { cutoffMs, reason }] of this.cutoffs)
      yield { kind: 'cutoff', entry: [userId, cutoffMs, reason] };
    for (const [sessionId, { cutoffMs, untilMs, reason }] of this.sessions) {
      yield { kind: 'session', entry: [sessionId, cutoffMs, untilMs, reason] };
    }
    for (const [jti, { untilMs, reason }] of this.jtis) yield { kind: 'jti', entry: [jti, untilMs, reason] };
  }

  /** Forgets expired jtis and session cutoffs; returns how many. */
  dropExpired(nowMs: number): number {
    let dropped = 0;
    for (const entries of [this.jtis, this.sessions]) {
      for (const [key, entry] of entries) {
        if (entry.untilMs <= nowMs) {
          entries.delete(key);
          dropped += 1;
        }
      }
    }
    if (dropped > 0) this.reasons.clear();
    return dropped;
  }
}
