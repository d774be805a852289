import { decodeJwtPart, forgeJwt } from './support/forge';
import { errorCode } from './support/graphql-client';
import {
  BLACKLISTED_TOKENS,
  ME,
  REFRESH,
  REVOKE_TOKEN,
  REVOKE_USER_TOKENS,
  type BlacklistedTokenData,
  type Connection,
} from './support/operations';
import { useServerWithAdmin } from './support/shared-server';

const shared = useServerWithAdmin();

type RevokeResult = { revokeToken: BlacklistedTokenData };
const revoke = (input: Record<string, unknown>, token = shared.admin.accessToken) =>
  shared.server.gql<RevokeResult>(REVOKE_TOKEN, { input }, { token });

const blacklistCount = async (token = shared.admin.accessToken) =>
  (
    await shared.server.gql<{ blacklistedTokens: Connection<BlacklistedTokenData> }>(
      BLACKLISTED_TOKENS,
      { includeExpired: true },
      { token },
    )
  ).data?.blacklistedTokens.totalCount;

describe('revokeToken', () => {
  it('revokes by token value, with the token’s own expiry and the given reason', async () => {
    const user = await shared.server.register();
    const response = await revoke({ token: user.accessToken, reason: 'laptop stolen' });
    const claims = decodeJwtPart(user.accessToken, 1);
    expect(response.data?.revokeToken).toMatchObject({
      jti: claims.jti,
      userId: user.user.id,
      reason: 'laptop stolen',
      revokedBy: shared.admin.user.id,
      expiresAt: new Date((claims.exp as number) * 1000).toISOString(),
    });
    const me = await shared.server.gql(ME, {}, { token: user.accessToken });
    expect(errorCode(me)).toBe('TOKEN_REVOKED');
    expect(me.errors?.[0]?.extensions?.reason).toBe('laptop stolen');
  });

  it('revokes by jti, taking the expiry from the issue record', async () => {
    const user = await shared.server.register();
    const claims = decodeJwtPart(user.accessToken, 1);
    const response = await revoke({ jti: claims.jti });
    expect(response.data?.revokeToken.expiresAt).toBe(new Date((claims.exp as number) * 1000).toISOString());
    expect(response.data?.revokeToken.reason).toBe('revoked by an administrator');
    expect(errorCode(await shared.server.gql(ME, {}, { token: user.accessToken }))).toBe('TOKEN_REVOKED');
  });

  it('gives an unknown jti at most one access-token lifetime', async () => {
    const before = shared.server.clock.now();
    const response = await revoke({ jti: 'jti-we-never-issued-0001' });
    const expiresAt = new Date(response.data?.revokeToken.expiresAt ?? 0).getTime();
    const ttlMs = shared.server.config.jwt.accessTokenTtlSeconds * 1000;
    expect(expiresAt).toBeGreaterThanOrEqual(before + ttlMs - 1000);
    expect(expiresAt).toBeLessThanOrEqual(shared.server.clock.now() + ttlMs);
  });

  it('is idempotent: revoking twice answers the first entry', async () => {
    const user = await shared.server.register();
    const first = await revoke({ token: user.accessToken, reason: 'first' });
    const countAfterFirst = await blacklistCount();
    const second = await revoke({ token: user.accessToken, reason: 'second' });
    expect(second.data?.revokeToken).toEqual(first.data?.revokeToken);
    expect(await blacklistCount()).toBe(countAfterFirst);
  });

  it('answers an already expired token without storing anything', async () => {
    const user = await shared.server.register();
    const countBefore = await blacklistCount();
    shared.server.clock.advance((shared.server.config.jwt.accessTokenTtlSeconds + 5) * 1000);
    try {
      const freshAdmin = await shared.server.loginAdmin();
      const response = await revoke({ token: user.accessToken }, freshAdmin.accessToken);
      expect(response.errors).toBeUndefined();
      expect(response.data?.revokeToken.jti).toBe(decodeJwtPart(user.accessToken, 1).jti);
      expect(await blacklistCount(freshAdmin.accessToken)).toBe(countBefore);
    } finally {
      shared.server.clock.advance(-(shared.server.config.jwt.accessTokenTtlSeconds + 5) * 1000);
    }
  });

  it('refuses a token with a bad signature and stores nothing', async () => {
    const user = await shared.server.register();
    const forged = forgeJwt({ alg: 'HS256', typ: 'at+jwt' }, decodeJwtPart(user.accessToken, 1), 'x'.repeat(40));
    const countBefore = await blacklistCount();
    const response = await revoke({ token: forged });
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(await blacklistCount()).toBe(countBefore);
    expect((await shared.server.gql(ME, {}, { token: user.accessToken })).errors).toBeUndefined();
  });

  it.each([
    ['neither token nor jti', {}],
    ['both token and jti', { token: 'a.b.c', jti: 'abc' }],
    ['a token over 8 KB', { token: 'a'.repeat(8193) }],
    ['a jti over 256 characters', { jti: 'j'.repeat(257) }],
    ['a reason over 500 characters', { jti: 'some-jti-value-123', reason: 'r'.repeat(501) }],
  ])('refuses %s with BAD_USER_INPUT', async (_name, input) => {
    const response = await revoke(input);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
  });

  it('is for administrators only', async () => {
    const user = await shared.server.register();
    const response = await revoke({ token: user.accessToken }, user.accessToken);
    expect(response.status).toBe(403);
    expect(errorCode(response)).toBe('FORBIDDEN');
    const anonymous = await shared.server.gql(REVOKE_TOKEN, { input: { jti: 'x' } });
    expect(anonymous.status).toBe(401);
    expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
  });
});

describe('revokeUserTokens', () => {
  it('revokes every token the user holds now, ends the sessions and returns the cutoff', async () => {
    const user = await shared.server.register();
    const second = await shared.server.login(user.user.email, user.password);
    const before = shared.server.clock.now();
    const response = await shared.server.gql<{ revokeUserTokens: string }>(
      REVOKE_USER_TOKENS,
      { userId: user.user.id, reason: 'account compromised' },
      { token: shared.admin.accessToken },
    );
    const cutoff = new Date(response.data?.revokeUserTokens ?? 0).getTime();
    expect(cutoff).toBeGreaterThanOrEqual(before);
    expect(cutoff).toBeLessThanOrEqual(shared.server.clock.now());
    for (const token of [user.accessToken, second.accessToken]) {
      const me = await shared.server.gql(ME, {}, { token });
      expect(errorCode(me)).toBe('TOKEN_REVOKED');
      expect(me.errors?.[0]?.extensions?.reason).toBe('account compromised');
    }
    expect(errorCode(await shared.server.gql(REFRESH, { refreshToken: second.refreshToken }))).toBe('TOKEN_REVOKED');
  });

  it('lets the user sign in again within the same millisecond as the cutoff', async () => {
    const user = await shared.server.register();
    shared.server.clock.freeze();
    try {
      await shared.server.gql(REVOKE_USER_TOKENS, { userId: user.user.id }, { token: shared.admin.accessToken });
      const again = await shared.server.login(user.user.email, user.password);
      expect((await shared.server.gql(ME, {}, { token: again.accessToken })).errors).toBeUndefined();
      expect(errorCode(await shared.server.gql(ME, {}, { token: user.accessToken }))).toBe('TOKEN_REVOKED');
    } finally {
      shared.server.clock.thaw();
    }
  });

  it('answers NOT_FOUND for an unknown user and BAD_USER_INPUT for a malformed id', async () => {
    const unknown = await shared.server.gql(
      REVOKE_USER_TOKENS,
      { userId: '00000000-0000-4000-8000-000000000000' },
      { token: shared.admin.accessToken },
    );
    expect(unknown.status).toBe(404);
    expect(errorCode(unknown)).toBe('NOT_FOUND');
    const malformed = await shared.server.gql(
      REVOKE_USER_TOKENS,
      { userId: 'not-a-uuid' },
      { token: shared.admin.accessToken },
    );
    expect(malformed.status).toBe(400);
    expect(errorCode(malformed)).toBe('BAD_USER_INPUT');
  });
});
