import { revocationOf, type Revoked } from '../../../src/revocation/revocation.rule';

/** What a verified token is judged by: the same fields the service's own check reads. */
export interface TokenFacts {
  jti: string;
  sub: string;
  sid: string;
  issuedAtMs: number;
  kid: string;
}

/*
 * A blacklisted jti is the bulk of the state (a million of them is a busy day), so each is held
 * as one small integer, not an object: the seconds until it may be forgotten, counted from a base,
 * and the index of its reason, packed into 31 bits. V8 stores such an integer inside the map's
 * slot, which keeps an entry near 70 bytes where an object would double it. An entry that does
 * not fit (a far expiry, the 512th distinct reason) goes to a plain map beside it.
 */
const OFFSET_BITS = 22;
const OFFSET_LIMIT = 2 ** OFFSET_BITS;
const REASON_LIMIT = 2 ** (31 - OFFSET_BITS);
/** The base sits this far before the state was made, so entries already expired still fit. */
const BASE_LEAD_SECONDS = 2 ** 20;

interface Expiring {
  untilMs: number;
  reason: string | null;
}

interface SessionCutoff extends Expiring {
  cutoffMs: number;
}

interface UserCutoff {
  cutoffMs: number;
  reason: string | null;
}

/** Counts of what is held, for a service's metrics. */
export interface StateSize {
  jtis: number;
  users: number;
  sessions: number;
  keys: number;
}

/**
 * The service's revocation state, as the stream sends it. Applying is idempotent and only ever adds
 * or raises, so a snapshot received again may be merged into what is held, and a repeat is harmless.
 */
export class RevocationState {
  private readonly baseSeconds: number;
  private readonly jtis = new Map<string, number>();
  private readonly farJtis = new Map<string, Expiring>();
  private readonly reasonIndex = new Map<string, number>();
  /** Index 0 is `null`. */
  private readonly reasonList: Array<string | null> = [null];
  private readonly sessions = new Map<string, SessionCutoff>();
  private readonly users = new Map<string, UserCutoff>();
  private readonly keys = new Map<string, string | null>();

  constructor(nowMs: number) {
    this.baseSeconds = Math.floor(nowMs / 1000) - BASE_LEAD_SECONDS;
  }

  size(): StateSize {
    return {
      jtis: this.jtis.size + this.farJtis.size,
      users: this.users.size,
      sessions: this.sessions.size,
      keys: this.keys.size,
    };
  }

  private reasonNumber(reason: string | null): number | null {
    if (reason === null) return 0;
    const known = this.reasonIndex.get(reason);
    if (known !== undefined) return known;
    if (this.reasonList.length >= REASON_LIMIT) return null;
    this.reasonList.push(reason);
    this.reasonIndex.set(reason, this.reasonList.length - 1);
    return this.reasonList.length - 1;
  }

  addJti(jti: string, untilMs: number, reason: string | null): void {
    if (this.jtis.has(jti) || this.farJtis.has(jti)) return;
    // Rounded up: a jti is forgotten at most a second late, never early.
    const offset = Math.ceil(untilMs / 1000) - this.baseSeconds;
    const reasonNumber = this.reasonNumber(reason);
    if (reasonNumber === null || offset < 0 || offset >= OFFSET_LIMIT) {
      this.farJtis.set(jti, { untilMs, reason });
      return;
    }
    this.jtis.set(jti, reasonNumber * OFFSET_LIMIT + offset);
  }

  private jtiEntry(jti: string): Expiring | undefined {
    const packed = this.jtis.get(jti);
    if (packed === undefined) return this.farJtis.size === 0 ? undefined : this.farJtis.get(jti);
    return {
      untilMs: ((packed % OFFSET_LIMIT) + this.baseSeconds) * 1000,
      reason: this.reasonList[Math.floor(packed / OFFSET_LIMIT)] ?? null,
    };
  }

  raiseUserCutoff(userId: string, cutoffMs: number, reason: string | null): void {
    const current = this.users.get(userId);
    if (current === undefined || cutoffMs >= current.cutoffMs) this.users.set(userId, { cutoffMs, reason });
  }

  raiseSessionCutoff(sessionId: string, cutoffMs: number, untilMs: number, reason: string | null): void {
    const current = this.sessions.get(sessionId);
    if (current === undefined || cutoffMs >= current.cutoffMs) {
      this.sessions.set(sessionId, { cutoffMs, untilMs: Math.max(untilMs, current?.untilMs ?? 0), reason });
    }
  }

  revokeKey(kid: string, reason: string | null): void {
    if (!this.keys.has(kid)) this.keys.set(kid, reason);
  }

  /** A signing key's revocation, known from the header alone, before the signature is checked. */
  keyRevocation(kid: string): Revoked | null {
    return this.keys.has(kid) ? { reason: this.keys.get(kid) ?? null } : null;
  }

  /** The service's own rule, on the facts held for this token. */
  lookup(token: TokenFacts, nowMs: number): Revoked | null {
    const key = this.keyRevocation(token.kid);
    return revocationOf(
      token,
      {
        jti: this.jtiEntry(token.jti),
        key: key ?? undefined,
        session: this.sessions.get(token.sid),
        user: this.users.get(token.sub),
      },
      nowMs,
    );
  }

  /** Forgets jtis and session cutoffs whose tokens have all expired; returns how many. */
  dropExpired(nowMs: number): number {
    const nowOffset = Math.floor(nowMs / 1000) - this.baseSeconds;
    let dropped = 0;
    for (const [jti, packed] of this.jtis) {
      if (packed % OFFSET_LIMIT <= nowOffset) {
        this.jtis.delete(jti);
        dropped += 1;
      }
    }
    for (const entries of [this.farJtis, this.sessions]) {
      for (const [id, entry] of entries) {
        if (entry.untilMs <= nowMs) {
          entries.delete(id);
          dropped += 1;
        }
      }
    }
    return dropped;
  }
}
