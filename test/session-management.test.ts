import { errorCode } from './support/graphql-client';
import { decodeJwtPart } from './support/forge';
import {
  AUDIT_EVENTS_OF,
  LOGIN,
  ME,
  MY_SESSIONS,
  REFRESH,
  REVOKE_SESSION,
  SESSIONS_OF,
  type AuditEventData,
  type AuthPayloadData,
  type SessionData,
} from './support/operations';
import { sample, scrape } from './support/prometheus';
import { useTestServer } from './support/shared-server';

// One trusted proxy in front: the client address is the one that proxy saw.
const server = useTestServer({ env: { TRUST_PROXY: '1' } });
let admin: AuthPayloadData;
beforeAll(async () => {
  admin = await server.loginAdmin();
});

const sidOf = (token: string) => String(decodeJwtPart(token, 1).sid);

async function signIn(email: string, password: string, device: { userAgent?: string; forwardedFor?: string }) {
  const headers: Record<string, string> = {};
  if (device.userAgent !== undefined) headers['user-agent'] = device.userAgent;
  if (device.forwardedFor !== undefined) headers['x-forwarded-for'] = device.forwardedFor;
  const response = await server.gql<{ login: AuthPayloadData }>(LOGIN, { email, password }, { headers });
  if (!response.data?.login) throw new Error(`login failed: ${JSON.stringify(response.errors)}`);
  return response.data.login;
}

async function mySessions(token: string): Promise<SessionData[]> {
  const response = await server.gql<{ mySessions: SessionData[] }>(MY_SESSIONS, {}, { token });
  if (!response.data) throw new Error(`mySessions failed: ${JSON.stringify(response.errors)}`);
  return response.data.mySessions;
}

describe('mySessions', () => {
  it('lists where I am signed in, newest first, with device, address and which one is mine', async () => {
    const user = await server.register();
    server.clock.advance(1000);
    const phone = await signIn(user.user.email, user.password, {
      userAgent: 'Phone/1.0',
      forwardedFor: '203.0.113.7, 198.51.100.2',
    });
    server.clock.advance(1000);
    const laptop = await signIn(user.user.email, user.password, { userAgent: 'Laptop/2.0' });

    const sessions = await mySessions(phone.accessToken);
    expect(sessions.map((s) => s.id)).toEqual([
      sidOf(laptop.accessToken),
      sidOf(phone.accessToken),
      sidOf(user.accessToken),
    ]);
    const [onLaptop, onPhone] = sessions;
    expect(onPhone).toMatchObject({ userAgent: 'Phone/1.0', ipAddress: '198.51.100.2', current: true });
    expect(onLaptop).toMatchObject({ userAgent: 'Laptop/2.0', ipAddress: '127.0.0.1', current: false });
    expect(onPhone?.lastRefreshedAt).toBe(onPhone?.createdAt);
    const refreshTtlMs = server.config.refreshTokenTtlSeconds * 1000;
    expect(Date.parse(onPhone?.expiresAt ?? '') - Date.parse(onPhone?.createdAt ?? '')).toBe(refreshTtlMs);
  });

  it('shows the last refresh, never a write per request', async () => {
    const user = await server.register();
    const [before] = await mySessions(user.accessToken);
    server.clock.advance(5000);
    await server.gql(ME, {}, { token: user.accessToken });
    const [afterUse] = await mySessions(user.accessToken);
    expect(afterUse?.lastRefreshedAt).toBe(before?.lastRefreshedAt);

    const refreshed = await server.gql<{ refreshToken: AuthPayloadData }>(REFRESH, { refreshToken: user.refreshToken });
    const token = refreshed.data?.refreshToken.accessToken ?? '';
    const [afterRefresh] = await mySessions(token);
    expect(afterRefresh?.id).toBe(before?.id);
    expect(Date.parse(afterRefresh?.lastRefreshedAt ?? '')).toBeLessThanOrEqual(server.clock.now());
    expect(Date.parse(afterRefresh?.lastRefreshedAt ?? '')).toBeGreaterThan(Date.parse(before?.createdAt ?? ''));
    expect(afterRefresh?.current).toBe(true);
  });

  it('keeps the first 200 characters of the User-Agent, and null without one', async () => {
    const user = await server.register();
    const long = `Agent/${'x'.repeat(400)}`;
    const withLong = await signIn(user.user.email, user.password, { userAgent: long });
    const sessions = await mySessions(withLong.accessToken);
    expect(sessions.find((s) => s.current)?.userAgent).toBe(long.slice(0, 200));
    // fetch sends its own User-Agent unless told otherwise; an empty header counts as none given.
    const bare = await signIn(user.user.email, user.password, { userAgent: '' });
    const again = await mySessions(bare.accessToken);
    expect(again.find((s) => s.current)?.userAgent).toBeNull();
  });

  it('leaves out ended and lapsed sessions', async () => {
    const user = await server.register();
    const second = await server.login(user.user.email, user.password);
    await server.gql(REVOKE_SESSION, { id: sidOf(second.accessToken) }, { token: user.accessToken });
    expect((await mySessions(user.accessToken)).map((s) => s.id)).toEqual([sidOf(user.accessToken)]);
  });

  it('needs a token', async () => {
    expect(errorCode(await server.gql(MY_SESSIONS))).toBe('UNAUTHENTICATED');
  });
});

describe('revokeSession', () => {
  it('signs out one device: its tokens are refused at once with the reason, the others keep working', async () => {
    const user = await server.register();
    const other = await server.login(user.user.email, user.password);
    const id = sidOf(other.accessToken);
    const before = (await scrape(server)).text;
    const response = await server.gql<{ revokeSession: SessionData }>(
      REVOKE_SESSION,
      { id, reason: 'lost my phone' },
      { token: user.accessToken },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.revokeSession).toMatchObject({ id, current: false });

    const me = await server.gql(ME, {}, { token: other.accessToken });
    expect(me.status).toBe(401);
    expect(errorCode(me)).toBe('TOKEN_REVOKED');
    expect(me.errors?.[0]?.extensions?.reason).toBe('lost my phone');
    expect(errorCode(await server.gql(REFRESH, { refreshToken: other.refreshToken }))).toBe('TOKEN_REVOKED');
    expect((await server.gql(ME, {}, { token: user.accessToken })).errors).toBeUndefined();

    const after = (await scrape(server)).text;
    const grew = (kind: string) =>
      sample(after, 'token_warden_revocations_total', { kind }) -
      sample(before, 'token_warden_revocations_total', { kind });
    expect(grew('session')).toBe(1);
    expect(grew('token')).toBe(0);

    const audit = await server.gql<{ auditEvents: { edges: Array<{ node: AuditEventData }> } }>(
      AUDIT_EVENTS_OF,
      { userId: user.user.id, first: 1 },
      { token: admin.accessToken },
    );
    expect(audit.data?.auditEvents.edges[0]?.node).toMatchObject({
      action: 'SESSION_REVOKED',
      actorId: user.user.id,
      targetUserId: user.user.id,
      targetSessionId: id,
      reason: 'lost my phone',
    });
  });

  it('refuses every token the session issued, including ones from earlier refreshes', async () => {
    const user = await server.register();
    const refreshed = await server.gql<{ refreshToken: AuthPayloadData }>(REFRESH, { refreshToken: user.refreshToken });
    const newer = refreshed.data?.refreshToken.accessToken ?? '';
    const other = await server.login(user.user.email, user.password);
    await server.gql(REVOKE_SESSION, { id: sidOf(newer) }, { token: other.accessToken });
    for (const token of [user.accessToken, newer]) {
      const me = await server.gql(ME, {}, { token });
      expect(errorCode(me)).toBe('TOKEN_REVOKED');
      expect(me.errors?.[0]?.extensions?.reason).toBe('signed out from another session');
    }
  });

  it('may end the calling session itself', async () => {
    const user = await server.register();
    const response = await server.gql<{ revokeSession: SessionData }>(
      REVOKE_SESSION,
      { id: sidOf(user.accessToken) },
      { token: user.accessToken },
    );
    expect(response.data?.revokeSession.current).toBe(true);
    expect(errorCode(await server.gql(ME, {}, { token: user.accessToken }))).toBe('TOKEN_REVOKED');
  });

  it("answers NOT_FOUND for someone else's session, exactly as for one that does not exist", async () => {
    const alice = await server.register();
    const mallory = await server.register();
    const theirs = await server.gql(REVOKE_SESSION, { id: sidOf(alice.accessToken) }, { token: mallory.accessToken });
    const missing = await server.gql(
      REVOKE_SESSION,
      { id: '00000000-0000-4000-8000-000000000000' },
      { token: mallory.accessToken },
    );
    expect(errorCode(theirs)).toBe('NOT_FOUND');
    expect(errorCode(missing)).toBe('NOT_FOUND');
    expect(theirs.status).toBe(missing.status);
    expect(theirs.errors?.[0]?.message.replace(sidOf(alice.accessToken), 'ID')).toBe(
      missing.errors?.[0]?.message.replace('00000000-0000-4000-8000-000000000000', 'ID'),
    );
    expect((await server.gql(ME, {}, { token: alice.accessToken })).errors).toBeUndefined();
  });

  it('lets an administrator end anyone’s session, with the default reason', async () => {
    const user = await server.register();
    const response = await server.gql(REVOKE_SESSION, { id: sidOf(user.accessToken) }, { token: admin.accessToken });
    expect(response.errors).toBeUndefined();
    const me = await server.gql(ME, {}, { token: user.accessToken });
    expect(me.errors?.[0]?.extensions?.reason).toBe('session revoked by an administrator');
  });

  it('answers an ended session as it is, without a second audit event', async () => {
    const user = await server.register();
    const other = await server.login(user.user.email, user.password);
    const id = sidOf(other.accessToken);
    await server.gql(REVOKE_SESSION, { id }, { token: user.accessToken });
    const again = await server.gql<{ revokeSession: SessionData }>(REVOKE_SESSION, { id }, { token: user.accessToken });
    expect(again.data?.revokeSession.id).toBe(id);
    const audit = await server.gql<{ auditEvents: { edges: Array<{ node: AuditEventData }> } }>(
      AUDIT_EVENTS_OF,
      { userId: user.user.id },
      { token: admin.accessToken },
    );
    expect(audit.data?.auditEvents.edges.filter((e) => e.node.action === 'SESSION_REVOKED')).toHaveLength(1);
  });

  it.each([
    ['a word', 'not-a-uuid'],
    ['empty', ''],
    ['5000 characters', 'x'.repeat(5000)],
  ])('refuses a malformed id (%s) with BAD_USER_INPUT', async (_label, id) => {
    const user = await server.register();
    const response = await server.gql(REVOKE_SESSION, { id }, { token: user.accessToken });
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
  });

  it('refuses an overlong reason', async () => {
    const user = await server.register();
    const response = await server.gql(
      REVOKE_SESSION,
      { id: sidOf(user.accessToken), reason: 'x'.repeat(501) },
      { token: user.accessToken },
    );
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect((await server.gql(ME, {}, { token: user.accessToken })).errors).toBeUndefined();
  });

  it('needs a token', async () => {
    const response = await server.gql(REVOKE_SESSION, { id: '00000000-0000-4000-8000-000000000000' });
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
  });
});

describe('sessions(userId)', () => {
  it("shows an administrator a user's live sessions; current is the administrator's own", async () => {
    const user = await server.register();
    const second = await signIn(user.user.email, user.password, { userAgent: 'Tablet/3' });
    const response = await server.gql<{ sessions: SessionData[] }>(
      SESSIONS_OF,
      { userId: user.user.id },
      { token: admin.accessToken },
    );
    expect(response.data?.sessions.map((s) => s.id)).toEqual([sidOf(second.accessToken), sidOf(user.accessToken)]);
    expect(response.data?.sessions.every((s) => !s.current)).toBe(true);
    expect(response.data?.sessions[0]?.userAgent).toBe('Tablet/3');
  });

  it('is for administrators only', async () => {
    const user = await server.register();
    const response = await server.gql(SESSIONS_OF, { userId: user.user.id }, { token: user.accessToken });
    expect(errorCode(response)).toBe('FORBIDDEN');
  });

  it('answers NOT_FOUND for an unknown user and BAD_USER_INPUT for a malformed id', async () => {
    const unknown = await server.gql(
      SESSIONS_OF,
      { userId: '00000000-0000-4000-8000-000000000000' },
      { token: admin.accessToken },
    );
    expect(errorCode(unknown)).toBe('NOT_FOUND');
    expect(errorCode(await server.gql(SESSIONS_OF, { userId: 'nope' }, { token: admin.accessToken }))).toBe(
      'BAD_USER_INPUT',
    );
  });
});
