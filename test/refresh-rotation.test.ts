import { errorCode } from './support/graphql-client';
import { AUDIT_EVENTS, ME, REFRESH, type AuthPayloadData, type Connection } from './support/operations';
import { useTestServer } from './support/shared-server';

type RefreshResult = { refreshToken: AuthPayloadData };

describe('refresh token rotation', () => {
  const server = useTestServer();

  const refresh = (refreshToken: string) => server.gql<RefreshResult>(REFRESH, { refreshToken });

  it('trades a refresh token for a new pair and spends the old one', async () => {
    const user = await server.register();
    const first = await refresh(user.refreshToken);
    const next = first.data?.refreshToken;
    expect(next?.user.id).toBe(user.user.id);
    expect(next?.refreshToken).not.toBe(user.refreshToken);
    expect(next?.accessToken).not.toBe(user.accessToken);

    const me = await server.gql<{ me: { id: string } }>(ME, {}, { token: next?.accessToken });
    expect(me.data?.me.id).toBe(user.user.id);

    const second = await refresh(next?.refreshToken ?? '');
    expect(second.data?.refreshToken.refreshToken).toBeDefined();
  });

  it('revokes the whole session when a rotated refresh token is presented again', async () => {
    const user = await server.register();
    const rotated = (await refresh(user.refreshToken)).data?.refreshToken;
    if (!rotated) throw new Error('refresh failed');
    const otherSession = await server.login(user.user.email, user.password);

    const reuse = await refresh(user.refreshToken);
    expect(reuse.status).toBe(401);
    expect(errorCode(reuse)).toBe('TOKEN_REVOKED');

    // Every access token of that session is refused, and its newest refresh token is dead too.
    for (const token of [user.accessToken, rotated.accessToken]) {
      const me = await server.gql(ME, {}, { token });
      expect(errorCode(me)).toBe('TOKEN_REVOKED');
      expect(me.errors?.[0]?.extensions?.reason).toBe('refresh token reuse detected');
    }
    expect(errorCode(await refresh(rotated.refreshToken))).toBe('TOKEN_REVOKED');

    // Another session of the same user is untouched.
    const me = await server.gql(ME, {}, { token: otherSession.accessToken });
    expect(me.errors).toBeUndefined();

    const admin = await server.loginAdmin();
    const audit = await server.gql<{ auditEvents: Connection<{ action: string; targetUserId: string | null }> }>(
      AUDIT_EVENTS,
      { first: 20 },
      { token: admin.accessToken },
    );
    const actions = audit.data?.auditEvents.edges
      .filter((edge) => edge.node.targetUserId === user.user.id)
      .map((edge) => edge.node.action);
    expect(actions).toContain('REFRESH_TOKEN_REUSED');
  });

  it('lets exactly one of two concurrent refreshes of the same token succeed', async () => {
    const user = await server.register();
    const attempts = await Promise.all(Array.from({ length: 8 }, () => refresh(user.refreshToken)));
    const winners = attempts.filter((attempt) => attempt.data?.refreshToken);
    expect(winners).toHaveLength(1);
    for (const loser of attempts.filter((attempt) => !attempt.data?.refreshToken)) {
      expect(loser.status).toBe(401);
      expect(['TOKEN_REVOKED', 'INVALID_TOKEN']).toContain(errorCode(loser));
    }
  });

  it('refuses an unknown or malformed refresh token with INVALID_TOKEN', async () => {
    for (const token of ['A'.repeat(43), 'short', 'x'.repeat(10_000)]) {
      const response = await refresh(token);
      expect(response.status).toBe(401);
      expect(errorCode(response)).toBe('INVALID_TOKEN');
    }
  });

  it('refuses an expired refresh token with TOKEN_EXPIRED', async () => {
    const user = await server.register();
    const ttlMs = server.config.refreshTokenTtlSeconds * 1000;
    server.clock.advance(ttlMs + 1000);
    try {
      const response = await refresh(user.refreshToken);
      expect(response.status).toBe(401);
      expect(errorCode(response)).toBe('TOKEN_EXPIRED');
    } finally {
      server.clock.advance(-(ttlMs + 1000));
    }
  });
});

describe('refresh reuse grace window', () => {
  const server = useTestServer({ env: { REFRESH_REUSE_GRACE_SECONDS: '10' } });

  it('answers a just-rotated token without ending the session, and treats it as reuse after the window', async () => {
    const user = await server.register();
    const rotated = (await server.gql<RefreshResult>(REFRESH, { refreshToken: user.refreshToken })).data?.refreshToken;
    if (!rotated) throw new Error('refresh failed');

    const withinGrace = await server.gql(REFRESH, { refreshToken: user.refreshToken });
    expect(errorCode(withinGrace)).toBe('INVALID_TOKEN');
    expect((await server.gql(ME, {}, { token: rotated.accessToken })).errors).toBeUndefined();

    server.clock.advance(11_000);
    const afterGrace = await server.gql(REFRESH, { refreshToken: user.refreshToken });
    expect(errorCode(afterGrace)).toBe('TOKEN_REVOKED');
    expect(errorCode(await server.gql(ME, {}, { token: rotated.accessToken }))).toBe('TOKEN_REVOKED');
  });
});
