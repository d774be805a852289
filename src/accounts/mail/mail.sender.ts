import { AsyncResource } from 'node:async_hooks';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import type { MailOutboxRow } from '../../db/schema';
import { claimDueMail, markMailFailed, markMailSent, nextMailDue, scheduleMailRetry } from './mail-outbox.store';
import { isPermanentFailure, type MailTransport } from './mail.transport';

export interface MailSenderOptions {
  /** How long a claimed message is left to this sender before another may try it. */
  leaseMs: number;
  /** The longest sleep between two looks at the outbox, for mail other instances wrote. */
  pollIntervalMs: number;
  /** Temporary failures are retried until the message is this old. */
  retryWindowMs: number;
  onSent(row: MailOutboxRow): void;
  onRetry(row: MailOutboxRow, error: unknown, at: Date): void;
  onFailed(row: MailOutboxRow, error: unknown): void;
  onError(message: string, error: unknown): void;
}

const BATCH = 10;
const FIRST_RETRY_MS = 2000;
const MAX_RETRY_DELAY_MS = 60_000;

/** 2 s after the first failure, doubling to at most a minute: a brief outage costs seconds, a long one a minute. */
export const retryDelayMs = (attempts: number): number =>
  Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS);

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/**
 * Hands the outbox to SMTP in the background. Woken after a commit that wrote mail, after a
 * failure's delay, and at least every poll interval; nothing a request waits for.
 */
export class MailSender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  /**
   * Runs in the context the sender was made in, not the request whose commit woke it: otherwise
   * every later look at the outbox, timers included, would carry that request's trace.
   */
  private readonly detached = AsyncResource.bind((work: () => void) => work());

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly transport: MailTransport,
    private readonly options: MailSenderOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Looks at the outbox now, or right after the look under way. */
  wake(): void {
    this.detached(() => this.wakeHere());
  }

  private wakeHere(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.transport.close();
  }

  private async drain(): Promise<void> {
    let next: Date | null = null;
    try {
      // Idle, the poll is this one read, not a claiming transaction: it runs every few seconds on every instance.
      next = await nextMailDue(this.db);
      if (next === null || next.getTime() > this.clock()) {
        this.sleepUntil(next);
        return;
      }
      for (;;) {
        const claimed = await claimDueMail(this.db, new Date(this.clock()), this.options.leaseMs, BATCH);
        if (claimed.length === 0) break;
        await Promise.all(claimed.map((row) => this.deliver(row)));
        if (this.stopped) return;
      }
      next = await nextMailDue(this.db);
    } catch (error) {
      this.options.onError('mail outbox could not be read', error);
    }
    this.sleepUntil(next);
  }

  private sleepUntil(next: Date | null): void {
    if (this.stopped) return;
    const untilDue = next === null ? Infinity : next.getTime() - this.clock();
    const delay = Math.max(0, Math.min(untilDue, this.options.pollIntervalMs));
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
  }

  private async deliver(row: MailOutboxRow): Promise<void> {
    try {
      await this.transport.deliver({
        kind: row.kind,
        to: row.recipient,
        subject: row.subject,
        text: row.textBody,
        html: row.htmlBody,
        link: row.link,
      });
    } catch (error) {
      await this.failed(row, error);
      return;
    }
    await markMailSent(this.db, row.id, new Date(this.clock()));
    this.options.onSent(row);
  }

  private async failed(row: MailOutboxRow, error: unknown): Promise<void> {
    const now = this.clock();
    const tooOld = now - row.createdAt.getTime() >= this.options.retryWindowMs;
    if (isPermanentFailure(error) || tooOld) {
      await markMailFailed(this.db, row.id, new Date(now), describe(error));
      this.options.onFailed(row, error);
      return;
    }
    const at = new Date(now + retryDelayMs(row.attempts));
    await scheduleMailRetry(this.db, row.id, at, describe(error));
    this.options.onRetry(row, error, at);
  }
}
