import {
  CHANGE_EMAIL,
  CHANGE_SUBJECTS,
  emailVerified,
  requestVerification,
  VERIFY_SUBJECT,
  verifyEmail,
} from './support/email-verification';
import { expectInvalidLink } from './support/account-links';
import { errorCode, type GraphQLResponse } from './support/graphql-client';
import {
  AUDIT_EVENTS_OF,
  LOGIN,
  ME,
  REGISTER,
  UPDATE_USER,
  type AuditEventData,
  type AuthPayloadData,
} from './support/operations';
import { requestReset, resetAddress } from './support/password-reset';
import { useServerWithAdmin, type ServerWithAdmin } from './support/shared-server';
import { useSmtpSink } from './support/smtp-sink';
import { ADMIN_EMAIL, ADMIN_PASSWORD, uniqueEmail, USER_PASSWORD, type TestServer } from './support/test-server';

const APP_URL = 'https://app.example.test';

const smtp = useSmtpSink();

/** A server mailing the shared SMTP server, with the client address taken from the proxy header. */
const serverWith = (env: Record<string, string> = {}): ServerWithAdmin =>
  useServerWithAdmin(() => ({ env: { SMTP_URL: smtp().url, APP_URL, TRUST_PROXY: 'loopback', ...env } }));

/** The token of the `count`th verification mail to `email`: the way a user gets one. */
const verificationToken = (email: string, count = 1): Promise<string> =>
  smtp().linkTokenTo(email, VERIFY_SUBJECT, count);

const expectNotVerified = (response: GraphQLResponse<unknown>) => {
  expect(response.status).toBe(403);
  expect(errorCode(response)).toBe('EMAIL_NOT_VERIFIED');
  expect(response.data?.valueOf()).toBeFalsy();
};

async function auditActions(shared: ServerWithAdmin, userId: string): Promise<string[]> {
  const response = await shared.server.gql<{ auditEvents: { edges: Array<{ node: AuditEventData }> } }>(
    AUDIT_EVENTS_OF,
    { userId, first: 50 },
    { token: shared.admin.accessToken },
  );
  return response.data?.auditEvents.edges.map((edge) => edge.node.action) ?? [];
}

describe('email verification', () => {
  const shared = serverWith();
  const { server } = shared;

  it('register mails a link with the token in the fragment; verifyEmail marks the address verified, once', async () => {
    const user = await server.register();
    const email = user.user.email;
    expect(await emailVerified(server, user.accessToken)).toBe(false);

    const [mail] = await smtp().mailTo(email, 1, undefined, VERIFY_SUBJECT);
    expect(mail?.text).toContain(`${APP_URL}/verify-email#token=`);
    expect(mail?.html).toContain(`href="${APP_URL}/verify-email#token=${mail?.token ?? ''}"`);
    expect(mail?.text).toMatch(/If it was not you/);
    expect(mail?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const verified = await verifyEmail(server, mail?.token ?? '');
    expect(verified.errors).toBeUndefined();
    expect(verified.data?.verifyEmail).toBe(true);
    expect(await emailVerified(server, user.accessToken)).toBe(true);
    expect(await auditActions(shared, user.user.id)).toContain('EMAIL_VERIFIED');

    expectInvalidLink(await verifyEmail(server, mail?.token ?? ''));
  });

  it('lets exactly one of several concurrent uses of one token win', async () => {
    const user = await server.register();
    const token = await verificationToken(user.user.email);
    const answers = await Promise.all(Array.from({ length: 5 }, () => verifyEmail(server, token)));
    expect(answers.filter((answer) => answer.data?.verifyEmail === true)).toHaveLength(1);
    for (const answer of answers) {
      if (answer.data?.verifyEmail !== true) expect(errorCode(answer)).toBe('INVALID_OR_EXPIRED_LINK');
    }
    expect((await auditActions(shared, user.user.id)).filter((action) => action === 'EMAIL_VERIFIED')).toHaveLength(1);
  });

  it('counts the bootstrap administrator as verified', async () => {
    expect(await emailVerified(server, shared.admin.accessToken)).toBe(true);
  });

  it('answers the same for an unverified, an unknown, a verified and a disabled address, and mails only the unverified one', async () => {
    const unverified = await server.register();
    const verified = await server.register();
    await verifyEmail(server, await verificationToken(verified.user.email));
    const disabled = await server.register();
    const off = await server.gql(
      UPDATE_USER,
      { id: disabled.user.id, disabled: true },
      { token: shared.admin.accessToken },
    );
    expect(off.errors).toBeUndefined();
    await verificationToken(unverified.user.email);
    await verificationToken(disabled.user.email);
    const unknown = uniqueEmail('nobody');

    const answers = await Promise.all(
      [unverified.user.email, unknown, verified.user.email, disabled.user.email].map((email) =>
        requestVerification(server, email),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toEqual({ data: { requestEmailVerification: true } });
    }
    const newer = await verificationToken(unverified.user.email, 2);
    // The sender takes the outbox in order: had the others been queued, they would be here by now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp().attempts).not.toContain(unknown);
    for (const email of [verified.user.email, disabled.user.email]) {
      expect(smtp().received.filter((mail) => mail.to === email && mail.subject === VERIFY_SUBJECT)).toHaveLength(1);
    }
    expect((await verifyEmail(server, newer)).data?.verifyEmail).toBe(true);
  });

  it('a later request spends the older link; a malformed, unknown, reset or expired token answers INVALID_OR_EXPIRED_LINK', async () => {
    const user = await server.register();
    const first = await verificationToken(user.user.email);
    expect((await requestVerification(server, user.user.email)).data?.requestEmailVerification).toBe(true);
    const second = await verificationToken(user.user.email, 2);
    expectInvalidLink(await verifyEmail(server, first));
    expectInvalidLink(await verifyEmail(server, 'not-a-token'));
    expectInvalidLink(await verifyEmail(server, 'A'.repeat(43)));
    expectInvalidLink(await verifyEmail(server, `${second}x`));

    // A reset link's token is for resetting only.
    expect((await requestReset(server, user.user.email)).data?.requestPasswordReset).toBe(true);
    const [reset] = await smtp().mailTo(user.user.email, 1, undefined, 'Reset your password');
    expectInvalidLink(await verifyEmail(server, reset?.token ?? ''));

    server.clock.advance(86_401 * 1000);
    expectInvalidLink(await verifyEmail(server, second));
    expect(await emailVerified(server, (await server.login(user.user.email, user.password)).accessToken)).toBe(false);
  });

  it('throttles requests like a reset request: slows, then refuses, one email, known or unknown alike', async () => {
    const expectRefused = (response: GraphQLResponse<unknown>, retryAfter: number) => {
      expect(response.status).toBe(429);
      expect(errorCode(response)).toBe('TOO_MANY_REQUESTS');
      expect(response.errors?.[0]?.extensions?.retryAfter).toBe(retryAfter);
      expect(response.headers.get('retry-after')).toBe(String(retryAfter));
    };
    const known = (await server.register()).user.email;
    for (const email of [known, uniqueEmail('nobody')]) {
      for (let i = 0; i < 3; i += 1) {
        expect((await requestVerification(server, email)).data?.requestEmailVerification).toBe(true);
      }
      expectRefused(await requestVerification(server, email), 1);
      server.clock.advance(1000);
      expect((await requestVerification(server, email)).data?.requestEmailVerification).toBe(true);
    }
    const address = resetAddress();
    for (let i = 0; i < 20; i += 1) {
      expect((await requestVerification(server, uniqueEmail('spray'), address)).data?.requestEmailVerification).toBe(
        true,
      );
    }
    expectRefused(await requestVerification(server, uniqueEmail('spray'), address), 1);
  });
});

describe('changeEmail', () => {
  const shared = serverWith();
  const { server } = shared;
  const changeEmail = (accessToken: string, newEmail: string, password = USER_PASSWORD) =>
    server.gql<{ changeEmail: boolean }>(CHANGE_EMAIL, { newEmail, password }, { token: accessToken });
  const mailsTo = (email: string, subject: string) =>
    smtp().received.filter((mail) => mail.to === email && mail.subject === subject);

  it('mails a link to the new address and a notice to the old; the link moves the account and ends its other sessions', async () => {
    const user = await server.register();
    const oldEmail = user.user.email;
    const laptop = await server.login(oldEmail, user.password);
    const newEmail = uniqueEmail('moved');

    const asked = await changeEmail(user.accessToken, newEmail);
    expect(asked.errors).toBeUndefined();
    expect(asked.data?.changeEmail).toBe(true);
    const [link] = await smtp().mailTo(newEmail, 1, undefined, CHANGE_SUBJECTS.link);
    expect(link?.text).toContain(`${APP_URL}/verify-email#token=`);
    const [requested] = await smtp().mailTo(oldEmail, 1, undefined, CHANGE_SUBJECTS.requested);
    expect(requested?.text).toContain(newEmail);
    expect(requested?.token).toBeUndefined();
    // Nothing changes until the new address is proven.
    const before = await server.gql<{ me: { email: string } }>(ME, {}, { token: laptop.accessToken });
    expect(before.data?.me.email).toBe(oldEmail);

    expect((await verifyEmail(server, link?.token ?? '')).data?.verifyEmail).toBe(true);
    const after = await server.gql<{ me: { email: string } }>(ME, {}, { token: user.accessToken });
    expect(after.data?.me.email).toBe(newEmail);
    expect(await emailVerified(server, user.accessToken)).toBe(true);
    const ended = await server.gql(ME, {}, { token: laptop.accessToken });
    expect(errorCode(ended)).toBe('TOKEN_REVOKED');
    expect(ended.errors?.[0]?.extensions?.reason).toBe('email changed');
    const [changed] = await smtp().mailTo(oldEmail, 1, undefined, CHANGE_SUBJECTS.changed);
    expect(changed?.text).toContain(newEmail);
    expect(await auditActions(shared, user.user.id)).toContain('EMAIL_CHANGED');

    expect((await server.login(newEmail, user.password)).accessToken).toBeTruthy();
    expect(errorCode(await server.gql(LOGIN, { email: oldEmail, password: user.password }))).toBe('UNAUTHENTICATED');
    expectInvalidLink(await verifyEmail(server, link?.token ?? ''));
  });

  it('answers the same true for an address in use, whose owner gets a notice instead of a link', async () => {
    const mover = await server.register();
    const owner = await server.register();
    const asked = await changeEmail(mover.accessToken, owner.user.email);
    expect(JSON.parse(asked.text)).toEqual({ data: { changeEmail: true } });
    const [notice] = await smtp().mailTo(owner.user.email, 1, undefined, CHANGE_SUBJECTS.inUse);
    expect(notice?.token).toBeUndefined();
    await smtp().mailTo(mover.user.email, 1, undefined, CHANGE_SUBJECTS.requested);
    expect(mailsTo(owner.user.email, CHANGE_SUBJECTS.link)).toEqual([]);
    const me = await server.gql<{ me: { email: string } }>(ME, {}, { token: mover.accessToken });
    expect(me.data?.me.email).toBe(mover.user.email);
  });

  it('refuses a wrong password, and anyone not signed in', async () => {
    const user = await server.register();
    const newEmail = uniqueEmail('never');
    const wrong = await changeEmail(user.accessToken, newEmail, 'not the password at all');
    expect(errorCode(wrong)).toBe('UNAUTHENTICATED');
    expect(errorCode(await server.gql(CHANGE_EMAIL, { newEmail, password: USER_PASSWORD }))).toBe('UNAUTHENTICATED');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp().attempts).not.toContain(newEmail);
  });
});

describe('REQUIRE_VERIFIED_EMAIL=true', () => {
  const shared = serverWith({ REQUIRE_VERIFIED_EMAIL: 'true' });
  const { server } = shared;
  const register = (target: TestServer, email: string) =>
    target.gql<{ register: AuthPayloadData }>(REGISTER, { email, password: USER_PASSWORD });

  it('register creates the account and mails the link, but answers EMAIL_NOT_VERIFIED instead of tokens', async () => {
    const email = uniqueEmail('strict');
    expectNotVerified(await register(server, email));
    const token = await verificationToken(email);
    // The account exists: the same address cannot be registered twice.
    expect(errorCode(await register(server, email))).toBe('BAD_USER_INPUT');

    expectNotVerified(await server.gql(LOGIN, { email, password: USER_PASSWORD }));
    const wrong = await server.gql(LOGIN, { email, password: 'not the password at all' });
    expect(wrong.status).toBe(401);
    expect(errorCode(wrong)).toBe('UNAUTHENTICATED');

    expect((await verifyEmail(server, token)).data?.verifyEmail).toBe(true);
    const session = await server.login(email, USER_PASSWORD);
    expect(await emailVerified(server, session.accessToken)).toBe(true);
  });

  it('lets the bootstrap administrator in: accounts an operator makes count as verified', async () => {
    const admin = await server.gql<{ login: AuthPayloadData }>(LOGIN, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(admin.errors).toBeUndefined();
    expect(await emailVerified(server, admin.data?.login.accessToken ?? '')).toBe(true);
  });
});
