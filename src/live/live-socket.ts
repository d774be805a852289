import type { Viewer } from '../auth/viewer';
import { sleep } from '../timeout';
import { CloseCode } from './close-codes';
import { EventStream } from './event-stream';
import { SessionEventKind, type SessionEvent } from './session-event.type';

/** How long a revoked socket waits for its REVOKED events to be sent before closing anyway. */
const EVENT_FLUSH_TIMEOUT_MS = 50;

/** RFC 6455 allows 123 bytes of close reason. */
const MAX_CLOSE_REASON_BYTES = 123;

export interface SocketConnection {
  close(code: number, reason: string): void;
}

function closeReason(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= MAX_CLOSE_REASON_BYTES) return text;
  // Cut on a character boundary: a broken UTF-8 sequence would make the close frame invalid.
  return new TextDecoder().decode(bytes.subarray(0, MAX_CLOSE_REASON_BYTES)).replace(/\uFFFD+$/, '');
}

/** One open graphql-ws connection: who it speaks for, and the subscriptions to tell before it is cut. */
export class LiveSocket {
  private readonly sessionStreams = new Set<EventStream<SessionEvent>>();
  /** Every stream of this socket, ended when it closes. */
  private readonly streams = new Set<Pick<EventStream<unknown>, 'end'>>();
  private closing = false;

  constructor(
    /** Null for an anonymous socket: it holds no token, so nothing can revoke it. */
    readonly viewer: Viewer | null,
    private readonly connection: SocketConnection,
  ) {}

  get isClosing(): boolean {
    return this.closing;
  }

  /** A `sessionEvents` subscription of this socket. */
  openSessionEvents(): EventStream<SessionEvent> {
    const stream = this.adopt(new EventStream<SessionEvent>(() => this.sessionStreams.delete(stream)));
    this.sessionStreams.add(stream);
    return stream;
  }

  /** Ends `stream` when this socket closes. */
  adopt<T>(stream: EventStream<T>): EventStream<T> {
    this.streams.add(stream);
    void stream.drained.then(() => this.streams.delete(stream));
    return stream;
  }

  /** Tells every `sessionEvents` subscriber, waits (briefly) until that is on the wire, then closes with 4403. */
  async revoke(reason: string | null, at: Date): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const streams = [...this.sessionStreams];
    for (const stream of streams) {
      stream.push({ kind: SessionEventKind.REVOKED, reason, at });
      stream.end();
    }
    if (streams.length > 0) {
      await Promise.race([Promise.all(streams.map((stream) => stream.drained)), sleep(EVENT_FLUSH_TIMEOUT_MS)]);
    }
    for (const stream of this.streams) stream.end();
    this.connection.close(CloseCode.FORBIDDEN, closeReason(`TOKEN_REVOKED: ${reason ?? 'revoked'}`));
  }

  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    for (const stream of this.streams) stream.end();
    this.connection.close(code, closeReason(reason));
  }
}
