import type { RevocationChanges } from '../revocation/revocation.notice';
import { EventStream } from './event-stream';
import { RevocationKind, type RevocationEvent } from './revocation-event.type';

/** The events one change stands for, committed at `atMs`: one per jti, session, user cutoff and signing key. */
function revocationEventsOf(changes: RevocationChanges, atMs: number): RevocationEvent[] {
  const common = {
    reason: changes.reason,
    revokedBy: changes.actorId ?? null,
    at: new Date(atMs),
    jti: null,
    userId: null,
    sessionId: null,
    kid: null,
  };
  return [
    ...changes.jtis.map(([jti]) => ({ ...common, kind: RevocationKind.TOKEN, jti })),
    ...changes.sessions.map(([sessionId]) => ({ ...common, kind: RevocationKind.SESSION, sessionId })),
    ...changes.cutoffs.map(([userId, cutoffMs]) => ({
      ...common,
      kind: RevocationKind.USER,
      userId,
      at: new Date(cutoffMs),
    })),
    ...(changes.keys ?? []).map(([kid, revokedAtMs]) => ({
      ...common,
      kind: RevocationKind.KEY,
      kid,
      at: new Date(revokedAtMs),
    })),
  ];
}

/** The `revocations` subscribers of this instance: each revocation published here reaches each once. */
export class RevocationFeedHub {
  private readonly streams = new Set<EventStream<RevocationEvent>>();

  open(): EventStream<RevocationEvent> {
    const stream: EventStream<RevocationEvent> = new EventStream(() => this.streams.delete(stream));
    this.streams.add(stream);
    return stream;
  }

  publish(changes: RevocationChanges, atMs: number): void {
    if (this.streams.size === 0) return;
    const events = revocationEventsOf(changes, atMs);
    for (const stream of this.streams) for (const event of events) stream.push(event);
  }
}
