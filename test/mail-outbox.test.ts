import { createServer, type Socket } from 'node:net';
import { ConfigError, loadConfig } from '../src/config';
import { requestVerification, verifyEmail } from './support/email-verification';
import { freePort } from './support/free-port';
import { errorCode } from './support/graphql-client';
import { requestReset, resetPassword } from './support/password-reset';
import { sample, scrape } from './support/prometheus';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from './support/test-server';
import { waitFor } from './support/wait';

const KIND = { kind: 'password_reset' };
/** register mails a verification link too: these tests follow the reset mail. */
const RESET_SUBJECT = 'Reset your password';

const opened: Array<TestServer | SmtpSink> = [];
afterEach(async () => {
  for (const closable of opened.splice(0).reverse()) {
    await ('server' in closable ? closable.stop() : closable.close());
  }
});

async function serverSendingTo(smtpUrl: string | undefined, env: Record<string, string> = {}): Promise<TestServer> {
  const server = await startTestServer({
    env: { ...(smtpUrl === undefined ? {} : { SMTP_URL: smtpUrl }), APP_URL: 'https://app.example.test', ...env },
  });
  opened.push(server);
  return server;
}

async function sink(port?: number): Promise<SmtpSink> {
  const started = await startSmtpSink(port);
  opened.push(started);
  return started;
}

const metric = async (server: TestServer, name: string) =>
  sample((await scrape(server)).text, `token_warden_mail_${name}_total`, KIND);

const waitForMetric = (server: TestServer, name: string, atLeast: number, timeoutMs = 5000) =>
  waitFor(async () => (await metric(server, name)) >= atLeast, timeoutMs, `mail_${name}_total ≥ ${atLeast}`, 50);

describe('the mail outbox', () => {
  it('hands a message to SMTP within about 2 s of the answer', async () => {
    const smtp = await sink();
    const server = await serverSendingTo(smtp.url);
    const { user } = await server.register();
    const answered = performance.now();
    expect((await requestReset(server, user.email)).data?.requestPasswordReset).toBe(true);
    await smtp.mailTo(user.email, 1, 2000, RESET_SUBJECT);
    expect(performance.now() - answered).toBeLessThan(2000);
    // Counted once the outbox row is marked sent, a moment after the SMTP server has the message.
    await waitForMetric(server, 'sent', 1, 1000);
    expect(await metric(server, 'sent')).toBe(1);
  });

  it('never makes the answer wait for SMTP: a server that accepts and never greets', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const server = await serverSendingTo(`smtp://127.0.0.1:${port}`);
      const { user } = await server.register();
      const started = performance.now();
      expect((await requestReset(server, user.email)).data?.requestPasswordReset).toBe(true);
      expect(performance.now() - started).toBeLessThan(1000);
      await waitFor(() => sockets.size > 0, 2000, 'the sender connects', 10);
    } finally {
      // A dropped connection is a temporary failure: the sender lets go, and the server can stop.
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('keeps a message through an SMTP outage and sends it once the server is back', async () => {
    const port = await freePort();
    const server = await serverSendingTo(`smtp://127.0.0.1:${port}`);
    const { user } = await server.register();
    expect((await requestReset(server, user.email)).data?.requestPasswordReset).toBe(true);
    // Connection refused: a temporary failure, retried.
    await waitForMetric(server, 'retried', 1);
    expect(await metric(server, 'failed')).toBe(0);
    const smtp = await sink(port);
    const [mail] = await smtp.mailTo(user.email, 1, 10_000, RESET_SUBJECT);
    expect(mail?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await waitForMetric(server, 'sent', 1);
    // The link from the delayed mail still works.
    expect((await resetPassword(server, mail?.token ?? '', 'a passphrase after an outage')).data?.resetPassword).toBe(
      true,
    );
  });

  it('retries a temporary refusal (4xx) until it is accepted', async () => {
    const smtp = await sink();
    smtp.refuse('temporary');
    const server = await serverSendingTo(smtp.url);
    const { user } = await server.register();
    await requestReset(server, user.email);
    await waitForMetric(server, 'retried', 1);
    smtp.refuse('none');
    await smtp.mailTo(user.email, 1, 10_000, RESET_SUBJECT);
    expect(smtp.attempts.filter((to) => to === user.email).length).toBeGreaterThanOrEqual(2);
  });

  it('gives a permanent refusal (5xx) up at once: one attempt, counted failed, logged', async () => {
    const smtp = await sink();
    smtp.refuse('permanent');
    const server = await serverSendingTo(smtp.url);
    const { user } = await server.register();
    await requestReset(server, user.email);
    await waitForMetric(server, 'failed', 1);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    // Once each: register's verification mail, and the reset mail.
    expect(smtp.attempts.filter((to) => to === user.email)).toHaveLength(2);
    expect(await metric(server, 'retried')).toBe(0);
    expect(server.logs.entries().some((entry) => entry.msg === 'mail given up')).toBe(true);
  });

  it('retries temporary failures for an hour, then gives up, counted failed', async () => {
    const smtp = await sink();
    smtp.refuse('temporary');
    const server = await serverSendingTo(smtp.url);
    const { user } = await server.register();
    await requestReset(server, user.email);
    await waitForMetric(server, 'retried', 1);
    server.clock.advance(59 * 60_000);
    server.server.services.mail.committed();
    await waitForMetric(server, 'retried', 2);
    expect(await metric(server, 'failed')).toBe(0);
    server.clock.advance(2 * 60_000);
    server.server.services.mail.committed();
    await waitForMetric(server, 'failed', 1);
    expect(server.logs.entries().some((entry) => entry.msg === 'mail given up')).toBe(true);
  });
});

describe('without SMTP_URL', () => {
  it('logs the mail (recipient, subject, link) in development instead of sending it', async () => {
    const server = await serverSendingTo(undefined);
    const { user } = await server.register();
    expect((await requestReset(server, user.email)).data?.requestPasswordReset).toBe(true);
    await waitForMetric(server, 'sent', 1);
    const logged = server.logs
      .entries()
      .find((entry) => entry.to === user.email && entry.mailKind === 'password_reset');
    expect(logged).toMatchObject({ subject: 'Reset your password', mailKind: 'password_reset' });
    expect(String(logged?.link)).toMatch(/^https:\/\/app\.example\.test\/reset-password#token=[A-Za-z0-9_-]{43}$/);
  });

  it('warns once at start in production, and the mail operations answer EMAIL_NOT_CONFIGURED', async () => {
    const server = await serverSendingTo(undefined, { NODE_ENV: 'production' });
    const warnings = server.logs.entries().filter((entry) => String(entry.msg).includes('SMTP_URL is not set'));
    expect(warnings).toHaveLength(1);
    const { user } = await server.register();
    for (const response of [
      await requestReset(server, user.email),
      await resetPassword(server, 'A'.repeat(43), 'a passphrase that is long'),
      await requestVerification(server, user.email),
      await verifyEmail(server, 'A'.repeat(43)),
    ]) {
      expect(response.status).toBe(503);
      expect(errorCode(response)).toBe('EMAIL_NOT_CONFIGURED');
    }
  });
});

describe('mail settings', () => {
  const base = { JWT_SECRET: TEST_JWT_SECRET };
  it.each([
    ['SMTP_URL', { SMTP_URL: 'http://mail.example.com' }],
    ['SMTP_URL', { SMTP_URL: 'not a url' }],
    ['MAIL_FROM', { MAIL_FROM: 'Example <not-an-address>' }],
    ['APP_URL', { APP_URL: 'ftp://app.example.com' }],
    ['PASSWORD_RESET_URL', { PASSWORD_RESET_URL: 'https://app.example.com/reset#here' }],
    ['EMAIL_VERIFICATION_URL', { EMAIL_VERIFICATION_URL: 'nope' }],
    ['PASSWORD_RESET_TTL_SECONDS', { PASSWORD_RESET_TTL_SECONDS: '60' }],
    ['PASSWORD_RESET_TTL_SECONDS', { PASSWORD_RESET_TTL_SECONDS: '90000' }],
    ['EMAIL_VERIFICATION_TTL_SECONDS', { EMAIL_VERIFICATION_TTL_SECONDS: '60' }],
    ['EMAIL_VERIFICATION_TTL_SECONDS', { EMAIL_VERIFICATION_TTL_SECONDS: '700000' }],
    ['REQUIRE_VERIFIED_EMAIL', { REQUIRE_VERIFIED_EMAIL: 'yes' }],
    ['REQUIRE_VERIFIED_EMAIL', { NODE_ENV: 'production', REQUIRE_VERIFIED_EMAIL: 'true' }],
    ['NOTIFY_NEW_SIGN_IN', { NOTIFY_NEW_SIGN_IN: 'yes' }],
    ['APP_URL', { NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example.com', MAIL_FROM: 'a@example.com' }],
    ['MAIL_FROM', { NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example.com', APP_URL: 'https://app.example.com' }],
  ])('refuses a bad %s, naming it', (variable, env) => {
    let thrown: unknown;
    try {
      loadConfig({ ...base, ...env });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
  });

  it('builds the links from APP_URL unless they are given, and keeps the defaults', () => {
    const config = loadConfig({
      ...base,
      APP_URL: 'https://app.example.com/',
      MAIL_FROM: 'Example <no-reply@example.com>',
    });
    expect(config.mail).toMatchObject({
      from: 'Example <no-reply@example.com>',
      passwordResetUrl: 'https://app.example.com/reset-password',
      emailVerificationUrl: 'https://app.example.com/verify-email',
    });
    expect(config.passwordResetTtlSeconds).toBe(1800);
    const own = loadConfig({ ...base, PASSWORD_RESET_URL: 'https://id.example.com/reset?lang=en' });
    expect(own.mail.passwordResetUrl).toBe('https://id.example.com/reset?lang=en');
  });
});
