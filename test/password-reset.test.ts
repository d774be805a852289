import { RESET_REQUEST_ANSWER_MS } from '../src/accounts/recovery.service';
import { expectInvalidLink } from './support/account-links';
import { claimsOf } from './support/instances';
import { errorCode, type GraphQLResponse } from './support/graphql-client';
import {
  AUDIT_EVENTS_OF,
  CHANGE_PASSWORD,
  LOGIN,
  ME,
  REFRESH,
  UPDATE_USER,
  type AuditEventData,
  type AuthPayloadData,
} from './support/operations';
import { requestReset, resetAddress, resetPassword } from './support/password-reset';
import { useServerWithAdmin } from './support/shared-server';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { uniqueEmail } from './support/test-server';
import { watch } from './support/ws-client';

const NEW_PASSWORD = 'a passphrase chosen after a reset';
const APP_URL = 'https://app.example.test';
/** register mails a verification link too: these tests read the reset mails. */
const RESET_SUBJECT = 'Reset your password';

let sink: SmtpSink | undefined;
const smtp = (): SmtpSink => {
  if (!sink) throw new Error('the SMTP server is only there while the tests run');
  return sink;
};
const shared = useServerWithAdmin(async () => {
  sink = await startSmtpSink();
  return {
    env: { SMTP_URL: sink.url, APP_URL, MAIL_FROM: 'Token Warden <no-reply@example.test>', TRUST_PROXY: 'loopback' },
  };
});
afterAll(() => sink?.close());
const { server } = shared;

/** Asks for a link and reads it from the mail the SMTP server received: the way a user gets one. */
async function resetToken(email: string, count = 1): Promise<string> {
  expect((await requestReset(server, email)).data?.requestPasswordReset).toBe(true);
  return smtp().linkTokenTo(email, RESET_SUBJECT, count);
}

async function auditActions(userId: string): Promise<AuditEventData[]> {
  const response = await server.gql<{ auditEvents: { edges: Array<{ node: AuditEventData }> } }>(
    AUDIT_EVENTS_OF,
    { userId, first: 50 },
    { token: shared.admin.accessToken },
  );
  return response.data?.auditEvents.edges.map((edge) => edge.node) ?? [];
}

describe('requestPasswordReset and resetPassword', () => {
  it('mails a link with the token in the fragment; the reset ends every session, token and socket, and mails a notice', async () => {
    const user = await server.register();
    const email = user.user.email;
    const laptop = await server.login(email, user.password);
    const socket = await watch<unknown>(
      server.url,
      laptop.accessToken,
      'subscription { sessionEvents { kind reason } }',
    );

    expect((await requestReset(server, email)).data?.requestPasswordReset).toBe(true);
    const [mail] = await smtp().mailTo(email, 1, undefined, RESET_SUBJECT);
    expect(mail?.subject).toBe('Reset your password');
    expect(mail?.text).toContain(`${APP_URL}/reset-password#token=`);
    expect(mail?.html).toContain(`href="${APP_URL}/reset-password#token=${mail?.token ?? ''}"`);
    expect(mail?.text).toMatch(/If it was not you/);
    expect(mail?.parsed.from?.text).toBe('"Token Warden" <no-reply@example.test>');
    expect(mail?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const reset = await resetPassword(server, mail?.token ?? '', NEW_PASSWORD);
    expect(reset.errors).toBeUndefined();
    expect(reset.data?.resetPassword).toBe(true);

    // Everything the old password opened is over, with the reason.
    for (const session of [user, laptop]) {
      const me = await server.gql(ME, {}, { token: session.accessToken });
      expect(errorCode(me)).toBe('TOKEN_REVOKED');
      expect(me.errors?.[0]?.extensions?.reason).toBe('password reset');
      expect(errorCode(await server.gql(REFRESH, { refreshToken: session.refreshToken }))).toBe('TOKEN_REVOKED');
    }
    expect(await socket.live.closed).toEqual({ code: 4403, reason: 'TOKEN_REVOKED: password reset' });

    expect(errorCode(await server.gql(LOGIN, { email, password: user.password }))).toBe('UNAUTHENTICATED');
    const fresh = await server.login(email, NEW_PASSWORD);
    expect((await server.gql(ME, {}, { token: fresh.accessToken })).errors).toBeUndefined();

    const [notice] = await smtp().mailTo(email, 1, undefined, 'Your password was changed');
    expect(notice?.subject).toBe('Your password was changed');
    expect(notice?.text).toMatch(/If it was not you/);
    expect(notice?.token).toBeUndefined();

    const actions = (await auditActions(user.user.id)).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['PASSWORD_RESET_REQUESTED', 'PASSWORD_RESET']));
    const resetEvent = (await auditActions(user.user.id)).find(
      (event) => event.action === 'PASSWORD_RESET' && !event.targetJti,
    );
    expect(resetEvent).toMatchObject({ actorId: user.user.id, targetUserId: user.user.id, reason: 'password reset' });
  });

  it('answers the same for a known, an unknown and a disabled address, and mails only the known one', async () => {
    const known = await server.register();
    const disabled = await server.register();
    const off = await server.gql(
      UPDATE_USER,
      { id: disabled.user.id, disabled: true },
      { token: shared.admin.accessToken },
    );
    expect(off.errors).toBeUndefined();
    const unknown = uniqueEmail('nobody');

    const answers = await Promise.all(
      [known.user.email, unknown, disabled.user.email].map(async (email) => {
        const sent = performance.now();
        const answer = await requestReset(server, email);
        return { answer, tookMs: performance.now() - sent };
      }),
    );
    for (const { answer, tookMs } of answers) {
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toEqual({ data: { requestPasswordReset: true } });
      // Every answer waits out the same floor, which the known address's write hides under.
      expect(tookMs).toBeGreaterThanOrEqual(RESET_REQUEST_ANSWER_MS - 1);
    }
    await smtp().mailTo(known.user.email, 1, undefined, RESET_SUBJECT);
    // The sender takes the outbox in order: had the others been queued, they would be here by now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp().attempts).not.toContain(unknown);
    // Registering mailed it a verification link; no reset link followed.
    expect(smtp().received.filter((mail) => mail.to === disabled.user.email && mail.subject === RESET_SUBJECT)).toEqual(
      [],
    );
    const disabledActions = (await auditActions(disabled.user.id)).map((event) => event.action);
    expect(disabledActions).not.toContain('PASSWORD_RESET_REQUESTED');
  });

  it('spends the token: a second use, a malformed, an unknown or an expired token all answer INVALID_OR_EXPIRED_LINK', async () => {
    const user = await server.register();
    const token = await resetToken(user.user.email);
    expect((await resetPassword(server, token, NEW_PASSWORD)).data?.resetPassword).toBe(true);
    expectInvalidLink(await resetPassword(server, token, 'yet another passphrase here'));
    expectInvalidLink(await resetPassword(server, 'not-a-token', NEW_PASSWORD));
    expectInvalidLink(await resetPassword(server, 'A'.repeat(43), NEW_PASSWORD));
    expectInvalidLink(await resetPassword(server, `${token}x`, NEW_PASSWORD));

    const later = await server.register();
    const expiring = await resetToken(later.user.email);
    server.clock.advance(1801 * 1000);
    expectInvalidLink(await resetPassword(server, expiring, NEW_PASSWORD));
    expect((await server.login(later.user.email, later.password)).accessToken).toBeTruthy();
  });

  it('leaves the token unspent when the new password breaks the rules', async () => {
    const user = await server.register();
    const token = await resetToken(user.user.email);
    const short = await resetPassword(server, token, 'too short');
    expect(errorCode(short)).toBe('BAD_USER_INPUT');
    expect((await resetPassword(server, token, NEW_PASSWORD)).data?.resetPassword).toBe(true);
  });

  it('spends older links on a later request and on changePassword', async () => {
    const user = await server.register();
    const first = await resetToken(user.user.email);
    const second = await resetToken(user.user.email, 2);
    expectInvalidLink(await resetPassword(server, first, NEW_PASSWORD));

    const changed = await server.gql(
      CHANGE_PASSWORD,
      { currentPassword: user.password, newPassword: 'changed while a link was out' },
      { token: user.accessToken },
    );
    expect(changed.errors).toBeUndefined();
    expectInvalidLink(await resetPassword(server, second, NEW_PASSWORD));
  });

  it('lets exactly one of several concurrent resets with one token win', async () => {
    const user = await server.register();
    const token = await resetToken(user.user.email);
    const passwords = Array.from({ length: 6 }, (_, index) => `concurrent passphrase number ${index}`);
    const answers = await Promise.all(passwords.map((password) => resetPassword(server, token, password)));
    const winners = answers.flatMap((answer, index) => (answer.data?.resetPassword === true ? [index] : []));
    expect(winners).toHaveLength(1);
    for (const answer of answers) {
      if (answer.data?.resetPassword !== true) expect(errorCode(answer)).toBe('INVALID_OR_EXPIRED_LINK');
    }
    const winner = passwords[winners[0] ?? -1] ?? '';
    expect((await server.login(user.user.email, winner)).accessToken).toBeTruthy();
  });

  it('leaves no live token when refreshes race the reset', async () => {
    const user = await server.register();
    const sessions = [user, ...(await Promise.all([1, 2, 3].map(() => server.login(user.user.email, user.password))))];
    const token = await resetToken(user.user.email);
    const [reset, ...refreshed] = await Promise.all([
      resetPassword(server, token, NEW_PASSWORD),
      ...sessions.map((session) =>
        server.gql<{ refreshToken: AuthPayloadData }>(REFRESH, { refreshToken: session.refreshToken }),
      ),
    ]);
    expect(reset.errors).toBeUndefined();
    expect(reset.data?.resetPassword).toBe(true);
    const issued = [
      ...sessions,
      ...refreshed.flatMap((answer) => (answer.data?.refreshToken ? [answer.data.refreshToken] : [])),
    ];
    for (const pair of issued) {
      expect(errorCode(await server.gql(ME, {}, { token: pair.accessToken }))).toBe('TOKEN_REVOKED');
      if (pair.refreshToken) {
        expect(errorCode(await server.gql(REFRESH, { refreshToken: pair.refreshToken }))).toBe('TOKEN_REVOKED');
      }
    }
    expect(claimsOf(user.accessToken).sub).toBe(user.user.id);
  });
});

describe('requestPasswordReset throttling', () => {
  const expectRefused = (response: GraphQLResponse<unknown>, retryAfter: number) => {
    expect(response.status).toBe(429);
    expect(errorCode(response)).toBe('TOO_MANY_REQUESTS');
    expect(response.errors?.[0]?.extensions?.retryAfter).toBe(retryAfter);
    expect(response.headers.get('retry-after')).toBe(String(retryAfter));
  };

  it('slows then refuses one email, known or unknown alike, from any address', async () => {
    const known = (await server.register()).user.email;
    for (const email of [known, uniqueEmail('nobody')]) {
      for (let i = 0; i < 3; i += 1) expect((await requestReset(server, email)).data?.requestPasswordReset).toBe(true);
      expectRefused(await requestReset(server, email), 1);
      server.clock.advance(1000);
      expect((await requestReset(server, email)).data?.requestPasswordReset).toBe(true);
      server.clock.advance(2000);
      expect((await requestReset(server, email)).data?.requestPasswordReset).toBe(true);
      // Five in the window: refused until it ends, whatever the address.
      const refused = await requestReset(server, email, resetAddress());
      expect(errorCode(refused)).toBe('TOO_MANY_REQUESTS');
      expect(refused.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(3590);
    }
  });

  it('slows one client address asking for many emails', async () => {
    const address = resetAddress();
    for (let i = 0; i < 20; i += 1) {
      expect((await requestReset(server, uniqueEmail('spray'), address)).data?.requestPasswordReset).toBe(true);
    }
    expectRefused(await requestReset(server, uniqueEmail('spray'), address), 1);
    expect((await requestReset(server, uniqueEmail('spray'))).data?.requestPasswordReset).toBe(true);
  });
});
