import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { VerifierLogger } from './logger';
import type { StateFollower } from './state.follower';
import { parseHeartbeat, parseRevocation, parseSnapshot } from './stream.events';

/** Backoff between reconnects: doubled from the first, capped at 2 s or the stream's own `retry:`. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2000;
/** The service sends a heartbeat every 500 ms: this long without a byte means the connection is dead. */
const IDLE_MS = 3000;
/** A snapshot page is ~100 KB; a line far longer than that is not the service talking. */
const MAX_LINE_BYTES = 8 * 1024 * 1024;

export interface StreamTarget {
  url: string;
  clientId: string;
  clientSecret: string;
  fetch: typeof fetch;
  logger: VerifierLogger;
}

/** Why the stream is not connected, as the status shows it. */
export interface StreamTrouble {
  message: string;
  /** The service refused the client: wrong id or secret. */
  unauthorized: boolean;
}

class StreamBroken extends Error {}

/** RFC 6749 §2.3.1: id and secret form-urlencoded, then joined, then base64. */
function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * The connection to `GET /oauth/revocation-events`: opens it, feeds its events to the follower, and
 * when it breaks (network, a malformed or out-of-order event, silence) reconnects with backoff and
 * `Last-Event-ID`, so a short outage costs what was missed, not the whole state.
 */
export class RevocationStream {
  connected = false;
  reconnects = 0;
  trouble: StreamTrouble | null = null;
  bytesReceived = 0;
  private readonly stopped = new AbortController();
  private retryCapMs = MAX_RETRY_MS;
  private running: Promise<void> | null = null;

  constructor(
    private readonly target: StreamTarget,
    private readonly follower: StateFollower,
  ) {}

  /** A method, not a field read: TypeScript would otherwise take the flag for unchanged across an await. */
  private isStopped(): boolean {
    return this.stopped.signal.aborted;
  }

  start(): void {
    this.running ??= this.run();
  }

  async close(): Promise<void> {
    this.stopped.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    let delayMs = FIRST_RETRY_MS;
    while (!this.stopped.signal.aborted) {
      const healthyBefore = this.follower.provenCurrentAtMs;
      const waitMs = await this.connectOnce();
      if (this.isStopped()) break;
      // A connection that proved the state current was healthy: the next outage starts over.
      if (this.follower.provenCurrentAtMs !== healthyBefore) delayMs = FIRST_RETRY_MS;
      this.reconnects += 1;
      await sleep(Math.max(waitMs ?? 0, Math.min(delayMs, this.retryCapMs)), this.stopped.signal);
      delayMs = Math.min(delayMs * 2, MAX_RETRY_MS);
    }
  }

  private fail(message: string, unauthorized = false): void {
    if (this.trouble?.message !== message) this.target.logger.warn?.(`revocation stream: ${message}`);
    this.trouble = { message, unauthorized };
  }

  /** One connection, until it breaks; resolves with the wait the service asked for, if any. */
  private async connectOnce(): Promise<number | null> {
    const connection = new AbortController();
    const abort = () => connection.abort();
    this.stopped.signal.addEventListener('abort', abort);
    const version = this.follower.version;
    try {
      const response = await this.target.fetch(this.target.url, {
        headers: {
          authorization: basicAuthorization(this.target.clientId, this.target.clientSecret),
          accept: 'text/event-stream',
          ...(version === null ? {} : { 'last-event-id': String(version) }),
        },
        redirect: 'manual',
        signal: connection.signal,
      });
      if (response.status !== 200 || !/^text\/event-stream\b/i.test(response.headers.get('content-type') ?? '')) {
        await response.body?.cancel().catch(() => undefined);
        const retryAfter = Number(response.headers.get('retry-after'));
        this.fail(`${this.target.url} answered ${response.status}`, response.status === 401);
        return Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 60) * 1000 : null;
      }
      this.connected = true;
      this.target.logger.info?.('revocation stream: connected', { url: this.target.url, lastEventId: version });
      await this.read(response, connection);
    } catch (error) {
      if (!this.isStopped()) {
        this.fail(error instanceof StreamBroken ? error.message : `connection lost: ${(error as Error).message}`);
      }
    } finally {
      this.connected = false;
      this.stopped.signal.removeEventListener('abort', abort);
      connection.abort();
    }
    return null;
  }

  private async read(response: Response, connection: AbortController): Promise<void> {
    if (response.body === null) throw new StreamBroken('the stream has no body');
    const failure: { message: string | null } = { message: null };
    const parser = createParser({
      maxBufferSize: MAX_LINE_BYTES,
      onEvent: (event) => {
        failure.message ??= this.dispatch(event);
      },
      onRetry: (ms) => {
        this.retryCapMs = Math.min(Math.max(ms, FIRST_RETRY_MS), MAX_RETRY_MS);
      },
      onError: (error) => {
        failure.message ??= `unreadable stream: ${error.message}`;
      },
    });
    const decoder = new TextDecoder();
    const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
    let idle = setTimeout(() => connection.abort(), IDLE_MS);
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new StreamBroken('the service ended the stream');
        clearTimeout(idle);
        idle = setTimeout(() => connection.abort(), IDLE_MS);
        this.bytesReceived += value.byteLength;
        parser.feed(decoder.decode(value, { stream: true }));
        if (failure.message !== null) throw new StreamBroken(failure.message);
      }
    } catch (error) {
      if (error instanceof StreamBroken || this.isStopped()) throw error;
      throw new StreamBroken(
        connection.signal.aborted ? `no event for ${IDLE_MS} ms` : `connection lost: ${(error as Error).message}`,
      );
    } finally {
      clearTimeout(idle);
      reader.releaseLock();
    }
  }

  /** Applies one event; returns what was wrong with it, or null. Unknown event names are skipped. */
  private dispatch(message: EventSourceMessage): string | null {
    switch (message.event) {
      case 'snapshot': {
        const event = parseSnapshot(message.data);
        if (event === null) return 'a malformed snapshot event';
        this.follower.snapshot(event);
        return null;
      }
      case 'revocation': {
        const event = parseRevocation(message.data);
        if (event === null) return 'a malformed revocation event';
        if (message.id !== String(event.version)) return `a revocation event whose id is not its version`;
        return this.follower.revocation(event);
      }
      case 'heartbeat': {
        const event = parseHeartbeat(message.data);
        if (event === null) return 'a malformed heartbeat event';
        const trouble = this.follower.heartbeat(event);
        if (trouble === null && event.current) this.trouble = null;
        return trouble;
      }
      default:
        return null;
    }
  }
}
