import type { RevocationEventStream } from './revocation-events.stream';

/** Under a second, so that a consumer sees a heartbeat within every second whatever the timer's jitter. */
export const HEARTBEAT_INTERVAL_MS = 500;

/**
 * The open revocation event streams of this instance: counted per client for the cap, sent their
 * heartbeats by one timer, and ended together at shutdown so that none holds it for the grace period.
 */
export class RevocationEventStreams {
  private readonly byClient = new Map<string, Set<RevocationEventStream>>();
  private timer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(private readonly maxPerClient: number) {}

  /** Streams open now, over every client. */
  get size(): number {
    let open = 0;
    for (const streams of this.byClient.values()) open += streams.size;
    return open;
  }

  get shuttingDown(): boolean {
    return this.closing;
  }

  /** Adds the stream `create` makes, or refuses (null) when the client already holds its cap. */
  open(clientId: string, create: () => RevocationEventStream): RevocationEventStream | null {
    const streams = this.byClient.get(clientId) ?? new Set();
    if (streams.size >= this.maxPerClient) return null;
    const stream = create();
    streams.add(stream);
    this.byClient.set(clientId, streams);
    stream.onClose(() => {
      streams.delete(stream);
      if (streams.size === 0) this.byClient.delete(clientId);
      if (this.byClient.size === 0) this.stopTimer();
    });
    this.timer ??= setInterval(() => this.beat(), HEARTBEAT_INTERVAL_MS).unref();
    return stream;
  }

  /** Ends every stream; those opened from now on are refused. */
  closeAll(): void {
    this.closing = true;
    for (const streams of this.byClient.values()) for (const stream of streams) stream.end();
  }

  private beat(): void {
    for (const streams of this.byClient.values()) for (const stream of streams) stream.heartbeat();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
