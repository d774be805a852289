import type { Viewer } from '../auth/viewer';
import type { UnverifiedClaims } from '../auth/claims';
import type { Clock } from '../clock';
import type { RevocationCheck } from '../revocation/revocation.check';
import type { RevocationChanges } from '../revocation/revocation.notice';
import { CloseCode } from './close-codes';
import type { LiveSocket } from './live-socket';

/** Sockets under one key (a jti, a session, a user, a signing key). */
class SocketIndex {
  private readonly sockets = new Map<string, Set<LiveSocket>>();

  add(key: string, socket: LiveSocket): void {
    let set = this.sockets.get(key);
    if (!set) {
      set = new Set();
      this.sockets.set(key, set);
    }
    set.add(socket);
  }

  remove(key: string, socket: LiveSocket): void {
    const set = this.sockets.get(key);
    if (!set) return;
    set.delete(socket);
    if (set.size === 0) this.sockets.delete(key);
  }

  get(key: string): ReadonlySet<LiveSocket> {
    return this.sockets.get(key) ?? EMPTY;
  }

  count(key: string): number {
    return this.sockets.get(key)?.size ?? 0;
  }
}

const EMPTY: ReadonlySet<LiveSocket> = new Set();

const claimsOf = (viewer: Viewer): UnverifiedClaims => ({
  jti: viewer.jti,
  sub: viewer.userId,
  sid: viewer.sessionId,
  issuedAtMs: viewer.issuedAtMs,
  kid: viewer.kid,
});

/** How often sockets whose access token has expired are closed. */
const EXPIRY_TICK_MS = 1000;

export interface SocketRegistryDeps {
  revocations: RevocationCheck;
  clock: Clock;
  maxSocketsPerUser: number;
  onError(message: string, error: unknown): void;
}

/**
 * Every open socket of this instance, indexed by jti, session, user and signing key, so that a revocation
 * costs time in proportion to the sockets it touches. Whether a socket's token is revoked is
 * always asked of the revocation check; the indexes only narrow down whom to ask about.
 */
export class SocketRegistry {
  private readonly all = new Set<LiveSocket>();
  private readonly byJti = new SocketIndex();
  private readonly bySession = new SocketIndex();
  private readonly byUser = new SocketIndex();
  private readonly byKid = new SocketIndex();
  /** Authenticated sockets by the second their token expires: a timer wheel with one-second slots. */
  private readonly byExpirySecond = new Map<number, Set<LiveSocket>>();
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: SocketRegistryDeps) {}

  get size(): number {
    return this.all.size;
  }

  start(): void {
    this.expiryTimer = setInterval(() => this.closeExpired(), EXPIRY_TICK_MS);
    this.expiryTimer.unref();
  }

  /**
   * Registers a socket whose token has just been checked, then asks once more: a revocation
   * that committed between that check and the registration found no socket to cut. A check
   * that fails refuses the socket as one at `connection_init` would be.
   */
  async admit(socket: LiveSocket): Promise<'ok' | 'too-many' | 'revoked' | 'unavailable'> {
    if (!this.add(socket)) return 'too-many';
    const viewer = socket.viewer;
    if (!viewer) return 'ok';
    let outcome: 'revoked' | 'unavailable';
    try {
      const revoked = await this.deps.revocations.isRevoked(claimsOf(viewer));
      if (!revoked) return 'ok';
      outcome = 'revoked';
    } catch (error) {
      this.deps.onError('revocation check failed for a new socket', error);
      outcome = 'unavailable';
    }
    this.remove(socket);
    return outcome;
  }

  /** False when the socket's user already has `maxSocketsPerUser` sockets here. */
  private add(socket: LiveSocket): boolean {
    const viewer = socket.viewer;
    if (viewer) {
      if (this.byUser.count(viewer.userId) >= this.deps.maxSocketsPerUser) return false;
      this.byJti.add(viewer.jti, socket);
      this.bySession.add(viewer.sessionId, socket);
      this.byUser.add(viewer.userId, socket);
      this.byKid.add(viewer.kid, socket);
      const second = Math.ceil(viewer.expiresAtMs / 1000);
      let slot = this.byExpirySecond.get(second);
      if (!slot) {
        slot = new Set();
        this.byExpirySecond.set(second, slot);
      }
      slot.add(socket);
    }
    this.all.add(socket);
    return true;
  }

  remove(socket: LiveSocket): void {
    if (!this.all.delete(socket)) return;
    const viewer = socket.viewer;
    if (!viewer) return;
    this.byJti.remove(viewer.jti, socket);
    this.bySession.remove(viewer.sessionId, socket);
    this.byUser.remove(viewer.userId, socket);
    this.byKid.remove(viewer.kid, socket);
    const second = Math.ceil(viewer.expiresAtMs / 1000);
    const slot = this.byExpirySecond.get(second);
    slot?.delete(socket);
    if (slot?.size === 0) this.byExpirySecond.delete(second);
  }

  /** Cuts the sockets whose token these changes revoke; resolves once each is closed. */
  async cut(changes: RevocationChanges): Promise<void> {
    const candidates = new Set<LiveSocket>();
    for (const [jti] of changes.jtis) for (const socket of this.byJti.get(jti)) candidates.add(socket);
    for (const [userId] of changes.cutoffs) for (const socket of this.byUser.get(userId)) candidates.add(socket);
    for (const [sessionId] of changes.sessions) {
      for (const socket of this.bySession.get(sessionId)) candidates.add(socket);
    }
    for (const [kid] of changes.keys ?? []) for (const socket of this.byKid.get(kid)) candidates.add(socket);
    await this.cutThoseRevoked(candidates);
  }

  /** Asks again about every authenticated socket: after a resync, notices may have been missed. */
  async recheckAll(): Promise<void> {
    await this.cutThoseRevoked(this.all);
  }

  /** Closes every authenticated socket: the instance can no longer vouch that none was revoked. */
  closeAuthenticated(reason: string): void {
    for (const socket of [...this.all]) {
      if (socket.viewer) socket.close(CloseCode.FORBIDDEN, reason);
    }
  }

  /** Stops closing expired sockets; the transport closes the sockets themselves. */
  stop(): void {
    if (this.expiryTimer) clearInterval(this.expiryTimer);
  }

  private async cutThoseRevoked(sockets: Iterable<LiveSocket>): Promise<void> {
    const at = new Date(this.deps.clock());
    const cuts: Promise<void>[] = [];
    for (const socket of sockets) {
      const viewer = socket.viewer;
      if (!viewer || socket.isClosing) continue;
      cuts.push(
        this.deps.revocations.isRevoked(claimsOf(viewer)).then(
          (revoked) => (revoked ? socket.revoke(revoked.reason, at) : undefined),
          (error: unknown) => {
            // Fail closed: a socket whose token cannot be checked does not stay open.
            this.deps.onError('revocation check failed for an open socket', error);
            socket.close(CloseCode.FORBIDDEN, 'revocation state unavailable');
          },
        ),
      );
    }
    await Promise.all(cuts);
  }

  private closeExpired(): void {
    const now = this.deps.clock();
    for (const [second, slot] of this.byExpirySecond) {
      if (second * 1000 > now) continue;
      for (const socket of slot) socket.close(CloseCode.FORBIDDEN, 'TOKEN_EXPIRED');
    }
  }
}
