import { request, type IncomingMessage } from 'node:http';

export interface SseEvent {
  /** Absent when the event had no `id:` field. */
  id?: string;
  event: string;
  data: string;
  /** `performance.now()` when it arrived. */
  at: number;
}

/**
 * A text/event-stream reader written from the WHATWG HTML spec (§9.2.6, "Interpreting an event
 * stream"), independent of the service's encoder: fields split at the first colon, one optional
 * space dropped, `data` lines joined with "\n", an event dispatched at a blank line, comments
 * ignored, `retry` remembered. It counts the bytes it received, and can stop reading.
 */
export class SseReader {
  readonly events: SseEvent[] = [];
  retry: number | undefined;
  bytes = 0;
  /** Everything received, for an error body. */
  text = '';
  readonly closed: Promise<void>;
  private buffer = '';
  private pending: Partial<SseEvent> & { dataLines: string[] } = { dataLines: [] };
  private cursor = 0;
  private waiters: Array<() => void> = [];
  private ended = false;

  private constructor(readonly response: IncomingMessage) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.receive(chunk));
    this.closed = new Promise((resolve) => {
      const done = () => {
        this.ended = true;
        this.wake();
        resolve();
      };
      response.once('close', done);
      response.once('error', done);
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) =>
        resolve(new SseReader(response)),
      );
      req.on('error', reject);
      req.end();
    });
  }

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The next event not yet taken that `matches`, skipping the others; throws after `timeoutMs` or at the end. */
  async next(matches: (event: SseEvent) => boolean = () => true, timeoutMs = 5000): Promise<SseEvent> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.events.length) {
        const event = this.events[this.cursor] as SseEvent;
        this.cursor += 1;
        if (matches(event)) return event;
      }
      if (this.ended) throw new Error('the stream ended');
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Stops reading: the socket's buffers fill and the server's writes back up. */
  pause(): void {
    this.response.pause();
  }

  resume(): void {
    this.response.resume();
  }

  close(): void {
    this.response.destroy();
  }

  private receive(chunk: string): void {
    this.bytes += Buffer.byteLength(chunk);
    if (this.status !== 200) this.text += chunk;
    this.buffer += chunk;
    for (let end = this.buffer.search(/\r\n|\r|\n/); end >= 0; end = this.buffer.search(/\r\n|\r|\n/)) {
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(this.buffer.startsWith('\r\n', end) ? end + 2 : end + 1);
      this.line(line);
    }
    this.wake();
  }

  private line(line: string): void {
    if (line === '') {
      const { dataLines, id, event } = this.pending;
      if (dataLines.length > 0)
        this.events.push({ id, event: event ?? 'message', data: dataLines.join('\n'), at: performance.now() });
      this.pending = { dataLines: [] };
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.pending.dataLines.push(value);
    else if (field === 'event') this.pending.event = value;
    else if (field === 'id' && !value.includes('\0')) this.pending.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}
