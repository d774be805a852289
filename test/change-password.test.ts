import { errorCode } from './support/graphql-client';
import { decodeJwtPart } from './support/forge';
import {
  AUDIT_EVENTS_OF,
  CHANGE_PASSWORD,
  LOGIN,
  ME,
  MY_SESSIONS,
  REFRESH,
  type AuditEventData,
  type AuthPayloadData,
  type SessionData,
} from './support/operations';
import { useTestServer } from './support/shared-server';
import { uniqueEmail } from './support/test-server';

const server = useTestServer({
  // Every request here comes from 127.0.0.1: only the per-email count is under test.
  env: { LOGIN_THROTTLE_EMAIL_FREE: '3', LOGIN_THROTTLE_EMAIL_MAX: '6', LOGIN_THROTTLE_ADDRESS_MAX: '0' },
});

const NEW_PASSWORD = 'a brand new passphrase for tests';

const change = (token: string, currentPassword: string, newPassword: string) =>
  server.gql<{ changePassword: AuthPayloadData }>(CHANGE_PASSWORD, { currentPassword, newPassword }, { token });

describe('changePassword', () => {
  it('swaps the password at once, ends my other sessions and gives this one a fresh pair', async () => {
    const user = await server.register();
    const laptop = await server.login(user.user.email, user.password);
    const otherSessions = [laptop];
    const response = await change(user.accessToken, user.password, NEW_PASSWORD);
    expect(response.errors).toBeUndefined();
    const fresh = response.data?.changePassword;
    if (!fresh) throw new Error('no payload');
    expect(fresh.user.id).toBe(user.user.id);
    expect(decodeJwtPart(fresh.accessToken, 1).sid).toBe(decodeJwtPart(user.accessToken, 1).sid);

    // The fresh pair works; the calling session's old access and refresh tokens do not.
    expect((await server.gql(ME, {}, { token: fresh.accessToken })).errors).toBeUndefined();
    expect(errorCode(await server.gql(ME, {}, { token: user.accessToken }))).toBe('TOKEN_REVOKED');
    const refreshed = await server.gql<{ refreshToken: AuthPayloadData }>(REFRESH, {
      refreshToken: fresh.refreshToken,
    });
    expect(refreshed.errors).toBeUndefined();

    // The other session is over, with the reason.
    const other = await server.gql(ME, {}, { token: laptop.accessToken });
    expect(errorCode(other)).toBe('TOKEN_REVOKED');
    expect(other.errors?.[0]?.extensions?.reason).toBe('password changed');
    expect(errorCode(await server.gql(REFRESH, { refreshToken: laptop.refreshToken }))).toBe('TOKEN_REVOKED');
    const sessions = await server.gql<{ mySessions: SessionData[] }>(
      MY_SESSIONS,
      {},
      { token: refreshed.data?.refreshToken.accessToken ?? '' },
    );
    expect(sessions.data?.mySessions.map((s) => s.current)).toEqual([true]);

    // The old password is refused, the new one works.
    const old = await server.gql(LOGIN, { email: user.user.email, password: user.password });
    expect(errorCode(old)).toBe('UNAUTHENTICATED');
    expect((await server.gql(LOGIN, { email: user.user.email, password: NEW_PASSWORD })).errors).toBeUndefined();

    const admin = await server.loginAdmin();
    const audit = await server.gql<{ auditEvents: { edges: Array<{ node: AuditEventData }> } }>(
      AUDIT_EVENTS_OF,
      { userId: user.user.id },
      { token: admin.accessToken },
    );
    const event = audit.data?.auditEvents.edges.find((e) => e.node.action === 'PASSWORD_CHANGED')?.node;
    expect(event).toMatchObject({
      actorId: user.user.id,
      targetUserId: user.user.id,
      targetSessionId: decodeJwtPart(user.accessToken, 1).sid,
      reason: `${otherSessions.length} other sessions ended`,
    });
  });

  it('answers every wrong current password alike, and changes nothing', async () => {
    const user = await server.register();
    const answers = await Promise.all(
      ['wrong password entirely', '', 'x'.repeat(2000)].map(async (attempt) => {
        const response = await change(user.accessToken, attempt, NEW_PASSWORD);
        return { status: response.status, code: errorCode(response), message: response.errors?.[0]?.message };
      }),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await server.gql(ME, {}, { token: user.accessToken })).errors).toBeUndefined();
    expect((await server.gql(LOGIN, { email: user.user.email, password: user.password })).errors).toBeUndefined();
  });

  it('throttles wrong current passwords like sign-ins, sharing the count with login', async () => {
    const user = await server.register(uniqueEmail('throttled'));
    const codes: Array<string | undefined> = [];
    for (let i = 0; i < 3; i += 1) {
      codes.push(errorCode(await server.gql(LOGIN, { email: user.user.email, password: 'not it at all' })));
      codes.push(errorCode(await change(user.accessToken, 'not it either', NEW_PASSWORD)));
    }
    expect(codes.slice(0, 2)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    expect(codes).toContain('TOO_MANY_REQUESTS');
    // Even the right password waits while the email is throttled.
    expect(errorCode(await change(user.accessToken, user.password, NEW_PASSWORD))).toBe('TOO_MANY_REQUESTS');
  });

  it.each([
    ['too short', 'short'],
    ['too long', 'x'.repeat(1025)],
  ])('refuses a new password that is %s with BAD_USER_INPUT, before checking the current one', async (_label, next) => {
    const user = await server.register();
    const response = await change(user.accessToken, user.password, next);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect((await server.gql(LOGIN, { email: user.user.email, password: user.password })).errors).toBeUndefined();
  });

  it('refuses a new password equal to the current one', async () => {
    const user = await server.register();
    expect(errorCode(await change(user.accessToken, user.password, user.password))).toBe('BAD_USER_INPUT');
  });

  it('needs a token', async () => {
    const response = await server.gql(CHANGE_PASSWORD, { currentPassword: 'a', newPassword: NEW_PASSWORD });
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
  });
});
