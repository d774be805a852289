import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './wait';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The token of the first `#token=` link in the text part, if any. */
  token: string | undefined;
  /** That link whole, as a user would open it. */
  link: string | undefined;
  parsed: ParsedMail;
}

export interface SmtpSink {
  port: number;
  url: string;
  readonly received: ReceivedMail[];
  /** Every RCPT TO the server saw, accepted or refused. */
  readonly attempts: string[];
  /** What RCPT TO answers from now on: accept, a temporary (4xx) or a permanent (5xx) refusal. */
  refuse(mode: 'none' | 'temporary' | 'permanent'): void;
  /** The mails to this address so far (with this subject, if given), once there are at least `count`. */
  mailTo(address: string, count?: number, timeoutMs?: number, subject?: string): Promise<ReceivedMail[]>;
  /** The link token of the `count`th mail with this subject to this address, once it is there. */
  linkTokenTo(address: string, subject: string, count?: number): Promise<string>;
  /** The `#token=` link of the `count`th mail with this subject to this address, once it is there. */
  linkTo(address: string, subject: string, count?: number): Promise<string>;
  close(): Promise<void>;
}

const linkOf = (text: string) => /(\S*)#token=([A-Za-z0-9_-]+)/.exec(text);

/** A real SMTP server (the `smtp-server` package) on loopback; `mailparser` reads what it receives. */
export async function startSmtpSink(port = 0): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const attempts: string[] = [];
  let refusal: 'none' | 'temporary' | 'permanent' = 'none';
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Closing waits this long for clients that are still connected (30 s by default).
    closeTimeout: 200,
    onRcptTo(address, _session, callback) {
      attempts.push(address.address);
      if (refusal === 'none') {
        callback();
        return;
      }
      const error = Object.assign(new Error(refusal === 'permanent' ? 'No such mailbox' : 'Try again later'), {
        responseCode: refusal === 'permanent' ? 550 : 451,
      });
      callback(error);
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          const text = parsed.text ?? '';
          const to = Array.isArray(parsed.to) ? parsed.to[0]?.text : parsed.to?.text;
          received.push({
            to: to ?? '',
            subject: parsed.subject ?? '',
            text,
            html: typeof parsed.html === 'string' ? parsed.html : '',
            token: linkOf(text)?.[2],
            link: linkOf(text)?.[0],
            parsed,
          });
          callback();
        },
        (error: unknown) => {
          callback(error instanceof Error ? error : new Error(String(error)));
        },
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.server.address() as AddressInfo).port;
  const linkOfMail = async (address: string, subject: string, count: number) => {
    const mails = await sink.mailTo(address, count, undefined, subject);
    const { token, link } = mails[count - 1] ?? {};
    if (!token || !link) throw new Error(`no link in the mail "${subject}" to ${address}`);
    return { token, link };
  };
  const sink: SmtpSink = {
    port: bound,
    url: `smtp://127.0.0.1:${bound}`,
    received,
    attempts,
    refuse: (mode) => {
      refusal = mode;
    },
    mailTo: async (address, count = 1, timeoutMs = 5000, subject) => {
      const to = () =>
        received.filter((mail) => mail.to === address && (subject === undefined || mail.subject === subject));
      await waitFor(() => to().length >= count, timeoutMs, `${count} mail(s) to ${address} ${subject ?? ''}`, 20);
      return to();
    },
    linkTokenTo: async (address, subject, count = 1) => (await linkOfMail(address, subject, count)).token,
    linkTo: async (address, subject, count = 1) => (await linkOfMail(address, subject, count)).link,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return sink;
}

/** For a test file whose servers all mail one SMTP server: started before its tests, closed after. */
export function useSmtpSink(): () => SmtpSink {
  let sink: SmtpSink | undefined;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink?.close());
  return () => {
    if (!sink) throw new Error('the SMTP server is only there while the tests run');
    return sink;
  };
}
