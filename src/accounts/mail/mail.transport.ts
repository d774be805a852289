import type { Transporter } from 'nodemailer' with { 'resolution-mode': 'import' };
import type { Logger } from '../../observability/logger';

export interface OutgoingMail {
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  link: string | null;
}

/** Hands one message over; throws on failure, telling a temporary failure from a permanent one. */
export interface MailTransport {
  deliver(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * SMTP through nodemailer, one connection per message: mail here is rare, and a pool would hold
 * sockets idle. nodemailer is loaded with the first message, not at every start.
 */
export function smtpTransport(smtpUrl: string, from: string): MailTransport {
  let transporter: Promise<Transporter> | undefined;
  const open = (): Promise<Transporter> =>
    (transporter ??= import('nodemailer').then(({ createTransport }) =>
      createTransport(
        {
          url: smtpUrl,
          // Short, so a stalled server cannot hold a claimed message past its lease.
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 20_000,
        },
        { from },
      ),
    ));
  return {
    deliver: async (mail) => {
      await (await open()).sendMail({ to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    },
    close: () => void transporter?.then((opened) => opened.close()),
  };
}

/** Development without SMTP_URL: the flows work on a fresh clone, and the link is in the log. */
export function logTransport(logger: Logger): MailTransport {
  return {
    deliver: (mail) => {
      logger.info(
        { mailKind: mail.kind, to: mail.to, subject: mail.subject, link: mail.link },
        'mail not sent (no SMTP_URL): logged',
      );
      return Promise.resolve();
    },
    close: () => undefined,
  };
}

/**
 * A 5xx reply is the server's final word (no such mailbox, message refused); anything else, a
 * 4xx reply, a refused or dropped connection, a timeout, may pass if tried again.
 */
export function isPermanentFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
