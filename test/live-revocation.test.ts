import { claimsOf } from './support/instances';
import {
  CHANGE_PASSWORD,
  LOGOUT,
  LOGOUT_ALL,
  REFRESH,
  REVOKE_SESSION,
  REVOKE_TOKEN,
  REVOKE_USER_TOKENS,
  UPDATE_USER,
  type AuthPayloadData,
} from './support/operations';
import { useServerWithAdmin, useTestServer } from './support/shared-server';
import { type TestServer } from './support/test-server';
import { connectLive, watch, type LiveClient } from './support/ws-client';
import { settlesWithin } from './support/wait';

const SESSION_EVENTS = 'subscription { sessionEvents { kind reason at } }';
const REVOCATIONS = 'subscription { revocations { kind jti userId sessionId reason revokedBy at } }';

interface SessionEventData {
  sessionEvents: { kind: string; reason: string | null; at: string };
}

interface RevocationEventData {
  revocations: {
    kind: string;
    jti: string | null;
    userId: string | null;
    reason: string | null;
    revokedBy: string | null;
  };
}

/** A connected socket with a `sessionEvents` subscription running. */
const watchSession = (server: TestServer, token: string) => watch<SessionEventData>(server.url, token, SESSION_EVENTS);

const stillOpen = async (live: LiveClient, ms = 150) => !(await settlesWithin(live.closed, ms));

/**
 * The bound on a socket's cut, counted from the answer to the revoking request: the instance that
 * commits starts the cut before it answers. The same bound as for a socket on another instance.
 */
const CUT_WITHIN_MS = 100;

type Watched = Awaited<ReturnType<typeof watchSession>> & { token: string };

/**
 * A bystander left alone: still open, and when then revoked itself, the REVOKED event and the
 * close it gets carry that revocation's reason. A wrong close or event that came before, from the
 * revocation under test, would have reached it first.
 */
async function expectLeftAlone(server: TestServer, adminToken: string, bystander: Watched): Promise<void> {
  expect(await stillOpen(bystander.live)).toBe(true);
  const reason = 'bystander check';
  const jti = claimsOf(bystander.token).jti;
  expect((await server.gql(REVOKE_TOKEN, { input: { jti, reason } }, { token: adminToken })).errors).toBeUndefined();
  expect((await bystander.events.nth(0)).data?.sessionEvents).toMatchObject({ kind: 'REVOKED', reason });
  expect(await bystander.live.closed).toEqual({ code: 4403, reason: `TOKEN_REVOKED: ${reason}` });
}

describe('subscriptions over WebSocket end the moment their token is revoked', () => {
  const shared = useServerWithAdmin();
  // A bystander that lives through every case below: a wrong close that any of them caused,
  // seconds late even, reaches it before its own revocation at the end does.
  let lasting: Watched | undefined;
  beforeAll(async () => {
    const user = await shared.server.register();
    lasting = { ...(await watchSession(shared.server, user.accessToken)), token: user.accessToken };
  });

  type Revoke = (user: AuthPayloadData & { password: string }) => Promise<unknown>;
  const revocations: Array<[string, Revoke, string]> = [
    ['logout', (user) => shared.server.gql(LOGOUT, {}, { token: user.accessToken }), 'logged out'],
    ['logoutAll', (user) => shared.server.gql(LOGOUT_ALL, {}, { token: user.accessToken }), 'logged out everywhere'],
    [
      'revokeToken by jti',
      (user) =>
        shared.server.gql(
          REVOKE_TOKEN,
          { input: { jti: claimsOf(user.accessToken).jti, reason: 'leaked in a log' } },
          { token: shared.admin.accessToken },
        ),
      'leaked in a log',
    ],
    [
      'revokeUserTokens',
      (user) =>
        shared.server.gql(
          REVOKE_USER_TOKENS,
          { userId: user.user.id, reason: 'device lost' },
          { token: shared.admin.accessToken },
        ),
      'device lost',
    ],
    [
      'updateUser (disabled)',
      (user) =>
        shared.server.gql(UPDATE_USER, { id: user.user.id, disabled: true }, { token: shared.admin.accessToken }),
      'account changed: disabled',
    ],
    [
      'revokeSession',
      (user) =>
        shared.server.gql(
          REVOKE_SESSION,
          { id: claimsOf(user.accessToken).sid, reason: 'unknown device' },
          { token: shared.admin.accessToken },
        ),
      'unknown device',
    ],
    [
      'changePassword on this session',
      (user) =>
        shared.server.gql(
          CHANGE_PASSWORD,
          { currentPassword: user.password, newPassword: `${user.password}-renewed` },
          { token: user.accessToken },
        ),
      'password changed',
    ],
    [
      'changePassword on another session',
      async (user) => {
        const other = await shared.server.login(user.user.email, user.password);
        return shared.server.gql(
          CHANGE_PASSWORD,
          { currentPassword: user.password, newPassword: `${user.password}-renewed` },
          { token: other.accessToken },
        );
      },
      'password changed',
    ],
    [
      'refresh token reuse',
      async (user) => {
        await shared.server.gql(REFRESH, { refreshToken: user.refreshToken });
        return shared.server.gql(REFRESH, { refreshToken: user.refreshToken });
      },
      'refresh token reuse detected',
    ],
  ];

  it.each(revocations)(
    `%s: sessionEvents says REVOKED with the reason, then the socket closes with 4403 within ${CUT_WITHIN_MS} ms`,
    async (_name, revoke, reason) => {
      const user = await shared.server.register();
      const { live, events } = await watchSession(shared.server, user.accessToken);
      const bystander = await shared.server.register();
      const other = { ...(await watchSession(shared.server, bystander.accessToken)), token: bystander.accessToken };
      const closedAt = live.closed.then(() => performance.now());

      await revoke(user);
      const answeredAt = performance.now();
      const event = await events.nth(0);
      expect(event.data?.sessionEvents).toMatchObject({ kind: 'REVOKED', reason });
      const closed = await live.closed;
      expect(closed.code).toBe(4403);
      expect(closed.reason).toMatch(/^TOKEN_REVOKED/);
      // Negative when the close came before the answer.
      expect((await closedAt) - answeredAt).toBeLessThan(CUT_WITHIN_MS);
      await expectLeftAlone(shared.server, shared.admin.accessToken, other);
    },
  );

  it('closes a socket without subscriptions too', async () => {
    const user = await shared.server.register();
    const live = connectLive(shared.server.url, { token: user.accessToken });
    await live.connected;
    await shared.server.gql(LOGOUT, {}, { token: user.accessToken });
    expect((await live.closed).code).toBe(4403);
  });

  it('leaves the user’s other sessions open when one token is revoked', async () => {
    const user = await shared.server.register();
    const second = await shared.server.login(user.user.email, user.password);
    const revoked = await watchSession(shared.server, user.accessToken);
    const kept = { ...(await watchSession(shared.server, second.accessToken)), token: second.accessToken };
    await shared.server.gql(LOGOUT, {}, { token: user.accessToken });
    expect((await revoked.live.closed).code).toBe(4403);
    await expectLeftAlone(shared.server, shared.admin.accessToken, kept);
  });

  it('left the bystander that watched every case above alone, a second after the last', async () => {
    if (!lasting) throw new Error('no lasting bystander');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await expectLeftAlone(shared.server, shared.admin.accessToken, lasting);
  });
});

describe('connection_init runs the request pipeline on connectionParams.authorization', () => {
  const server = useTestServer();

  it('refuses a forged token with 4403 INVALID_TOKEN', async () => {
    const user = await server.register();
    const [header, payload] = user.accessToken.split('.');
    const live = connectLive(server.url, { token: `${header}.${payload}.${'A'.repeat(43)}` });
    expect(await live.closed).toEqual({ code: 4403, reason: 'INVALID_TOKEN' });
  });

  it('refuses a revoked token with 4403 and its reason', async () => {
    const user = await server.register();
    await server.gql(LOGOUT, {}, { token: user.accessToken });
    const live = connectLive(server.url, { token: user.accessToken });
    expect(await live.closed).toEqual({ code: 4403, reason: 'TOKEN_REVOKED: logged out' });
  });

  it('refuses an expired token with 4403 TOKEN_EXPIRED', async () => {
    const user = await server.register();
    server.clock.advance(server.config.jwt.accessTokenTtlSeconds * 1000 + 1000);
    try {
      const live = connectLive(server.url, { token: user.accessToken });
      expect(await live.closed).toEqual({ code: 4403, reason: 'TOKEN_EXPIRED' });
    } finally {
      server.clock.advance(-(server.config.jwt.accessTokenTtlSeconds * 1000 + 1000));
    }
  });

  it('refuses a malformed authorization with 4403', async () => {
    const live = connectLive(server.url, { connectionParams: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect((await live.closed).code).toBe(4403);
  });

  it('accepts an anonymous socket; @auth subscriptions answer UNAUTHENTICATED', async () => {
    const live = connectLive(server.url);
    await live.connected;
    const events = live.subscribe<SessionEventData>(SESSION_EVENTS);
    await events.done;
    expect(events.results[0]?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(events.results)).not.toContain('"http"');
    expect(await stillOpen(live, 500)).toBe(true);
    await live.dispose();
  });

  it('answers FORBIDDEN to a USER subscribing to the administrators’ feed', async () => {
    const user = await server.register();
    const live = connectLive(server.url, { token: user.accessToken });
    await live.connected;
    const feed = live.subscribe<RevocationEventData>(REVOCATIONS);
    await feed.done;
    expect(feed.results[0]?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await live.dispose();
  });

  it('runs subscriptions only: a query over the socket is refused with BAD_USER_INPUT', async () => {
    const live = connectLive(server.url);
    await live.connected;
    const query = live.subscribe('{ __typename }');
    await query.done;
    expect(query.results).toEqual([]);
    expect(query.refusal()?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await live.dispose();
  });
});

describe('the administrators’ revocations feed', () => {
  const shared = useServerWithAdmin();

  it('streams every committed revocation with its kind, target, reason and actor', async () => {
    const { live, events: feed } = await watch<RevocationEventData>(
      shared.server.url,
      shared.admin.accessToken,
      REVOCATIONS,
    );

    const user = await shared.server.register();
    await shared.server.gql(LOGOUT, {}, { token: user.accessToken });
    const other = await shared.server.register();
    await shared.server.gql(
      REVOKE_USER_TOKENS,
      { userId: other.user.id, reason: 'offboarded' },
      { token: shared.admin.accessToken },
    );

    // A logout ends the session and blacklists the caller's own token; the revocation cuts off the user.
    const events = async (count: number) => {
      await feed.nth(count - 1);
      return feed.results.map((result) => result.data?.revocations);
    };
    const seen = await events(3);
    expect(seen).toContainEqual(
      expect.objectContaining({
        kind: 'TOKEN',
        jti: claimsOf(user.accessToken).jti,
        reason: 'logged out',
        revokedBy: user.user.id,
      }),
    );
    expect(seen).toContainEqual(
      expect.objectContaining({ kind: 'SESSION', reason: 'logged out', revokedBy: user.user.id }),
    );
    expect(seen).toContainEqual(
      expect.objectContaining({
        kind: 'USER',
        userId: other.user.id,
        reason: 'offboarded',
        revokedBy: shared.admin.user.id,
      }),
    );
    await live.dispose();
  });
});

describe('the administrators’ feed with REVOCATION_CHECK=database', () => {
  const server = useTestServer({ env: { REVOCATION_CHECK: 'database' } });

  it('streams the revocations this instance commits, with no notifications to read them from', async () => {
    const admin = await server.loginAdmin();
    const { live, events: feed } = await watch<RevocationEventData>(server.url, admin.accessToken, REVOCATIONS);

    const user = await server.register();
    await server.gql(REVOKE_USER_TOKENS, { userId: user.user.id, reason: 'offboarded' }, { token: admin.accessToken });
    expect((await feed.nth(0)).data?.revocations).toMatchObject({
      kind: 'USER',
      userId: user.user.id,
      reason: 'offboarded',
      revokedBy: admin.user.id,
    });
    // The next event is the next revocation: the first was not published twice.
    const other = await server.register();
    await server.gql(LOGOUT_ALL, {}, { token: other.accessToken });
    expect((await feed.nth(1)).data?.revocations).toMatchObject({ kind: 'USER', userId: other.user.id });
    await live.dispose();
  });
});

describe('fan-out: one logoutAll cuts every socket of the user and no other', () => {
  const server = useTestServer();

  it('closes 300 sockets of one user with 4403 and leaves 20 bystanders open', async () => {
    const user = await server.register();
    const sockets = Array.from({ length: 300 }, () => connectLive(server.url, { token: user.accessToken }));
    await Promise.all(sockets.map((socket) => socket.connected));
    const bystanders = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const other = await server.register();
        const live = connectLive(server.url, { token: other.accessToken });
        await live.connected;
        return live;
      }),
    );
    expect(server.server.services.sockets.size).toBe(320);

    const started = performance.now();
    const answer = await server.gql(LOGOUT_ALL, {}, { token: user.accessToken });
    expect(answer.errors).toBeUndefined();
    const closes = await Promise.all(sockets.map((socket) => socket.closed));
    const lastCloseMs = performance.now() - started;
    expect(closes.every((closed) => closed.code === 4403)).toBe(true);
    // A wrong close on the fan-out's path would come about as late as the right ones did: wait
    // twice that, and at least a second, on every bystander at once.
    const windowMs = Math.max(1000, 2 * lastCloseMs);
    const open = await Promise.all(bystanders.map((bystander) => stillOpen(bystander, windowMs)));
    expect(open.filter((isOpen) => !isOpen).length).toBe(0);
    expect(server.server.services.sockets.size).toBe(bystanders.length);
    console.log(`fan-out: 300 sockets closed ${lastCloseMs.toFixed(0)} ms after logoutAll was sent`);
    await Promise.all(bystanders.map((bystander) => bystander.dispose()));
  });
});
