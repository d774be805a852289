import type { RevocationNotice } from '../revocation/revocation.notice';
import { EventStream } from './event-stream';
import { RevocationKind, type RevocationEvent } from './revocation-event.type';

/** The events one notice stands for: one per jti, session cutoff and user cutoff. */
export function revocationEventsOf(notice: RevocationNotice): RevocationEvent[] {
  const at = new Date(notice.sentAtMs);
  const common = { reason: notice.reason, revokedBy: notice.actorId ?? null, at };
  return [
    ...notice.jtis.map(([jti]) => ({
      ...common,
      kind: RevocationKind.TOKEN,
      jti,
      userId: null,
      sessionId: null,
    })),
    ...notice.sessions.map(([sessionId]) => ({
      ...common,
      kind: RevocationKind.SESSION,
      jti: null,
      userId: null,
      sessionId,
    })),
    ...notice.cutoffs.map(([userId, cutoffMs]) => ({
      ...common,
      kind: RevocationKind.USER,
      jti: null,
      userId,
      sessionId: null,
      at: new Date(cutoffMs),
    })),
  ];
}

/** The `revocations` subscribers of this instance: each notice, from any instance, reaches each once. */
export class RevocationFeedHub {
  private readonly streams = new Set<EventStream<RevocationEvent>>();

  open(): EventStream<RevocationEvent> {
    const stream: EventStream<RevocationEvent> = new EventStream(() => this.streams.delete(stream));
    this.streams.add(stream);
    return stream;
  }

  publish(notice: RevocationNotice): void {
    if (this.streams.size === 0) return;
    const events = revocationEventsOf(notice);
    for (const stream of this.streams) for (const event of events) stream.push(event);
  }
}
