import type { Clock } from '../../clock';
import type { MailConfig } from '../../config';
import type { Database } from '../../db/database';
import type { Telemetry } from '../../observability/telemetry';
import { deleteFinishedMail, insertMail } from './mail-outbox.store';
import { MailSender } from './mail.sender';
import type { MailMessage } from './mail.templates';
import { logTransport, smtpTransport } from './mail.transport';

/** Longer than nodemailer's timeouts together, so a message is never tried twice at once. */
const LEASE_MS = 60_000;
const POLL_INTERVAL_MS = 5000;
/** What was sent or given up stays a week, for an operator asking whether a mail went out. */
const KEEP_FINISHED_MS = 7 * 86_400_000;
/** Temporary failures are retried for an hour, then the message is given up. */
export const MAIL_RETRY_WINDOW_MS = 60 * 60 * 1000;

/**
 * The outbox as the flows see it: a message is written in the caller's transaction, and the
 * sender is woken once that transaction has committed.
 */
export class MailService {
  /** False in production without SMTP_URL: the mail flows refuse with EMAIL_NOT_CONFIGURED. */
  readonly available: boolean;
  private readonly sender: MailSender;

  constructor(
    config: MailConfig,
    production: boolean,
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly telemetry: Telemetry,
  ) {
    const { logger, metrics } = telemetry;
    this.available = config.smtpUrl !== undefined || !production;
    const transport = config.smtpUrl === undefined ? logTransport(logger) : smtpTransport(config.smtpUrl, config.from);
    this.sender = new MailSender(db, clock, transport, {
      leaseMs: LEASE_MS,
      pollIntervalMs: POLL_INTERVAL_MS,
      retryWindowMs: MAIL_RETRY_WINDOW_MS,
      onSent: (row) => metrics.mailSent.inc({ kind: row.kind }),
      onRetry: (row, error, at) => {
        metrics.mailRetried.inc({ kind: row.kind });
        logger.warn(
          { mailId: row.id, mailKind: row.kind, attempts: row.attempts, retryAt: at, err: error },
          'mail not delivered; will retry',
        );
      },
      onFailed: (row, error) => {
        metrics.mailFailed.inc({ kind: row.kind });
        logger.error({ mailId: row.id, mailKind: row.kind, attempts: row.attempts, err: error }, 'mail given up');
      },
      onError: (message, error) => telemetry.reportError(message, error),
    });
  }

  /** Writes the message in `tx`: it is sent if and only if `tx` commits. */
  async enqueue(tx: Database, message: MailMessage): Promise<void> {
    await insertMail(tx, message, new Date(this.clock()));
  }

  /** After a commit that enqueued mail: the sender looks now instead of at its next poll. */
  committed(): void {
    this.sender.wake();
  }

  purgeFinished(): Promise<number> {
    return deleteFinishedMail(this.db, new Date(this.clock() - KEEP_FINISHED_MS));
  }

  start(): void {
    if (!this.available) {
      this.telemetry.logger.warn(
        'SMTP_URL is not set: the mail flows (password reset, email verification and change) answer EMAIL_NOT_CONFIGURED until it is',
      );
    }
    this.sender.start();
  }

  stop(): Promise<void> {
    return this.sender.stop();
  }
}
