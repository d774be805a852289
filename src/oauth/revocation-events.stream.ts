import type { ServerResponse } from 'node:http';
import type { RevocationStateSource } from '../revocation/revocation-state.source';
import type { RevocationNotice } from '../revocation/revocation.notice';
import {
  addToPage,
  emptyPage,
  heartbeatEvent,
  retryField,
  revocationEvent,
  snapshotEvent,
} from './revocation-events.encoding';

/** The bounds one stream lives within; docs/revocation-events.md states them. */
export const STREAM_LIMITS = {
  /** Unsent bytes held for one consumer; past them it is cut rather than buffered without bound. */
  maxBufferedBytes: 1024 * 1024,
  /** A consumer that has not taken what was written for this long is cut. */
  stallMs: 5000,
  /** Entries per `snapshot` event: about 70 KB of JSON. */
  snapshotPageEntries: 1000,
  /** Log versions read per statement while resuming. */
  logPage: 1000,
  /** Versions held while the stream sends the state or resumes; more means it cannot keep up. */
  maxQueued: 10_000,
};

type CatchUp = 'current' | 'gone' | 'future';

/**
 * One consumer's stream: the whole state or the log after its last version, then every version
 * in order as this instance applies it. Versions that arrive while it sends the state or reads
 * the log wait in a queue; the log fills any gap between them.
 */
export class RevocationEventStream {
  private sent = 0;
  private live = false;
  private closed = false;
  private queued: RevocationNotice[] = [];
  /** `performance.now()` when a write first found the socket full, until it drains. */
  private fullSince: number | null = null;
  private readonly stopWatching: () => void;

  constructor(
    private readonly res: ServerResponse,
    private readonly source: RevocationStateSource,
    private readonly clock: () => number,
    private readonly onError: (message: string, error: unknown) => void,
  ) {
    this.stopWatching = source.watch({ notified: (notice) => this.notified(notice) });
    res.on('drain', () => {
      this.fullSince = null;
    });
    // The server keeps half-open connections (server.ts), so a consumer's FIN alone ends nothing,
    // and a consumer that left was found only when a heartbeat failed to reach it, its place
    // under the cap held until then. A consumer never half-closes a stream it still reads.
    const socket = res.socket;
    if (socket) {
      const left = () => this.cut();
      socket.once('end', left);
      res.once('close', () => socket.off('end', left));
    }
  }

  /** A method, so that the compiler does not assume the flag unchanged across an await. */
  private isClosed(): boolean {
    return this.closed;
  }

  /** Calls `onClose` once, whoever ends the stream. */
  onClose(listener: () => void): void {
    this.res.once('close', () => {
      this.closed = true;
      this.stopWatching();
      listener();
    });
  }

  async run(lastEventId: number | null): Promise<void> {
    try {
      this.res.write(retryField());
      // A version the log no longer holds, or one it never held, gets the whole state instead.
      if (lastEventId !== null && (await this.resumeFrom(lastEventId))) return;
      await this.sendState();
      if ((await this.catchUp()) !== 'current') this.end();
    } catch (error) {
      this.onError('revocation event stream failed', error);
      this.end();
    }
  }

  /** Shutdown or trouble: the consumer reconnects, elsewhere or later, by `Last-Event-ID`. */
  end(): void {
    if (!this.closed) this.res.end();
  }

  /** Sent by the shared timer; also where a consumer that stopped reading is found. */
  heartbeat(): void {
    if (this.closed) return;
    if (this.fullSince !== null && performance.now() - this.fullSince > STREAM_LIMITS.stallMs) {
      this.cut();
      return;
    }
    if (!this.live) return;
    const position = this.source.position();
    // Current only when the instance is proven current and this stream has sent all it applied.
    this.writeNow(heartbeatEvent(this.sent, position.current && this.sent >= position.version, this.clock()));
  }

  private notified(notice: RevocationNotice): void {
    if (this.closed) return;
    if (!this.live) {
      this.queued.push(notice);
      if (this.queued.length > STREAM_LIMITS.maxQueued) this.cut();
      return;
    }
    if (notice.version <= this.sent) return;
    if (notice.version === this.sent + 1) {
      this.sent = notice.version;
      this.writeNow(revocationEvent(notice));
      return;
    }
    // The mirror reloaded past versions it never notified: read them from the log.
    this.live = false;
    this.queued.push(notice);
    void this.catchUp()
      .then((outcome) => outcome === 'current' || this.end())
      .catch((error: unknown) => {
        this.onError('revocation event stream could not read the log', error);
        this.end();
      });
  }

  /** Sends the log after `version`; false when the log no longer holds it, or it is in the future. */
  private async resumeFrom(version: number): Promise<boolean> {
    this.sent = version;
    return (await this.catchUp()) === 'current';
  }

  private async sendState(): Promise<void> {
    const { version, contents } = this.source.state();
    this.sent = version;
    let page = emptyPage();
    let entries = 0;
    for (let next = contents.next(); next.done !== true; next = contents.next()) {
      addToPage(page, next.value);
      entries += 1;
      if (entries < STREAM_LIMITS.snapshotPageEntries) continue;
      await this.paced(snapshotEvent(version, page, false));
      if (this.isClosed()) return;
      page = emptyPage();
      entries = 0;
    }
    await this.paced(snapshotEvent(version, page, true));
  }

  /** Reads the log after `sent` until nothing is newer, then sends what was queued meanwhile and goes live. */
  private async catchUp(): Promise<CatchUp> {
    for (;;) {
      const { head, notices } = await this.source.readLog(this.sent, STREAM_LIMITS.logPage);
      if (this.isClosed()) return 'current';
      if (head < this.sent) return 'future';
      if (notices.length === 0 && head > this.sent) return 'gone';
      for (const notice of notices) {
        if (notice.version !== this.sent + 1) return 'gone';
        this.sent = notice.version;
        await this.paced(revocationEvent(notice));
        if (this.isClosed()) return 'current';
      }
      if (notices.length > 0) continue;
      if (this.sendQueued()) return 'current';
    }
  }

  /** In one turn, so that nothing is notified between the last read and going live; false at a gap. */
  private sendQueued(): boolean {
    const queued = this.queued.sort((a, b) => a.version - b.version);
    this.queued = [];
    for (const [index, notice] of queued.entries()) {
      if (notice.version <= this.sent) continue;
      if (notice.version !== this.sent + 1) {
        this.queued = queued.slice(index);
        return false;
      }
      this.sent = notice.version;
      this.writeNow(revocationEvent(notice));
    }
    this.live = true;
    // At once rather than at the shared timer's next beat: a consumer answers nothing until a
    // heartbeat proves what it holds current, and would otherwise wait up to an interval for it.
    this.heartbeat();
    return true;
  }

  /** For the state and the log: waits until the socket takes more, so that a large state is never all in memory. */
  private async paced(chunk: string): Promise<void> {
    if (this.writeNow(chunk) || this.closed) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  private writeNow(chunk: string): boolean {
    if (this.closed) return false;
    const accepted = this.res.write(chunk);
    if (!accepted) this.fullSince ??= performance.now();
    if (this.res.writableLength > STREAM_LIMITS.maxBufferedBytes) this.cut();
    return accepted;
  }

  /** A consumer that does not keep up is disconnected; it resumes by `Last-Event-ID` when it can. */
  private cut(): void {
    if (!this.closed) this.res.destroy();
  }
}
