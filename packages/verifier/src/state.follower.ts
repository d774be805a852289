import type { RevocationState } from './revocation.state';
import type { HeartbeatEvent, RevocationEvent, SnapshotEvent } from './stream.events';

/**
 * Follows the stream's versions into the state: the whole state first (or a resume), then each
 * version exactly once and in order, and the heartbeats that prove nothing newer exists. A method
 * returns a description of what went wrong when the stream breaks its promises; the caller drops
 * the connection and resumes, and what is held stays held.
 */
export class StateFollower {
  /** Every version up to this one is applied; null until the first whole state arrived. */
  version: number | null = null;
  /** When a heartbeat last proved `version` the newest (monotonic ms); null until one did. */
  provenCurrentAtMs: number | null = null;
  /** When the last version arrived: the lag from the service's `sentAtMs`, for the status. */
  lastLagMs: number | null = null;

  constructor(
    private readonly state: RevocationState,
    private readonly now: () => number,
    private readonly wallClock: () => number,
    private readonly onSigningKeysChanged: () => void,
  ) {}

  snapshot(event: SnapshotEvent): void {
    for (const [jti, untilMs, reason] of event.jtis) this.state.addJti(jti, untilMs, reason);
    for (const [userId, cutoffMs, reason] of event.cutoffs) this.state.raiseUserCutoff(userId, cutoffMs, reason);
    for (const [sessionId, cutoffMs, untilMs, reason] of event.sessions) {
      this.state.raiseSessionCutoff(sessionId, cutoffMs, untilMs, reason);
    }
    for (const [kid, reason] of event.keys) this.state.revokeKey(kid, reason);
    // The state may have moved since the last version held (a database restored from a backup):
    // what is held stays, and the versions continue from the state's.
    if (event.complete) this.version = event.version;
  }

  revocation(event: RevocationEvent): string | null {
    if (this.version === null) return `version ${event.version} arrived before the revocation state`;
    if (event.version <= this.version) return null;
    if (event.version !== this.version + 1) {
      return `version ${event.version} arrived after ${this.version}: versions ${this.version + 1}… are missing`;
    }
    for (const [kid] of event.keys) this.state.revokeKey(kid, event.reason);
    for (const [jti, untilMs] of event.jtis) this.state.addJti(jti, untilMs, event.reason);
    for (const [userId, cutoffMs] of event.cutoffs) this.state.raiseUserCutoff(userId, cutoffMs, event.reason);
    for (const [sessionId, cutoffMs, untilMs] of event.sessions) {
      this.state.raiseSessionCutoff(sessionId, cutoffMs, untilMs, event.reason);
    }
    this.version = event.version;
    this.lastLagMs = Math.max(0, this.wallClock() - event.sentAtMs);
    if (event.purged) this.state.dropExpired(this.wallClock());
    if (event.signingKeysChanged) this.onSigningKeysChanged();
    return null;
  }

  heartbeat(event: HeartbeatEvent): string | null {
    if (this.version === null) return 'a heartbeat arrived before the revocation state';
    if (event.version > this.version) {
      return `the stream claims version ${event.version} but sent versions up to ${this.version}`;
    }
    if (event.current && event.version === this.version) this.provenCurrentAtMs = this.now();
    return null;
  }

  /** Milliseconds since the state was last proven current; Infinity when it never was. */
  stalenessMs(): number {
    return this.provenCurrentAtMs === null ? Infinity : this.now() - this.provenCurrentAtMs;
  }
}
