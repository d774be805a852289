import type { RevocationNotice } from '../revocation.notice';

export interface PublishQueueOptions {
  /** Whether the bus can take an append now; while not, notices wait (up to `limit`) for `drain()`. */
  connected(): boolean;
  /** Appends one notice; a rejection is reported, and the notice dropped unless the connection was lost. */
  append(notice: RevocationNotice): Promise<void>;
  onError: (message: string, error?: unknown) => void;
  /** Notices kept while the bus is away; older ones are dropped, and the log fills them in later. */
  limit: number;
}

/**
 * Publishing without making the caller wait: notices are appended one at a time, oldest first, so
 * that the bus sees them in version order. The queue is bounded because a bus that is down for
 * long would otherwise hold every revocation in memory, while the log already holds them all.
 */
export class PublishQueue {
  private pending: RevocationNotice[] = [];
  private draining: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: PublishQueueOptions) {}

  push(notices: readonly RevocationNotice[]): void {
    if (this.closed) return;
    this.pending.push(...notices);
    const excess = this.pending.length - this.options.limit;
    if (excess > 0) this.pending.splice(0, excess);
    this.drain();
  }

  /** Appends what is pending, if the bus is connected; call it again when the connection comes back. */
  drain(): void {
    this.draining ??= this.run().finally(() => {
      this.draining = null;
    });
  }

  /** Drops what is pending and waits for the append in flight, which a closed connection ends. */
  async close(): Promise<void> {
    this.closed = true;
    this.pending = [];
    await this.draining;
  }

  /** A method, not the field: the compiler would take the field as still false after an await. */
  private isClosed(): boolean {
    return this.closed;
  }

  private async run(): Promise<void> {
    for (let notice = this.pending[0]; notice !== undefined; notice = this.pending[0]) {
      if (this.closed || !this.options.connected()) return;
      try {
        await this.options.append(notice);
      } catch (error) {
        if (this.isClosed()) return;
        // Lost with the connection: it goes out after the reconnect. Refused by a connected bus:
        // trying it again would only refuse again, and the next version's append fills it from the log.
        if (!this.options.connected()) return;
        this.options.onError(`could not publish revocation version ${notice.version} to the bus`, error);
      }
      if (this.pending[0] === notice) this.pending.shift();
    }
  }
}
