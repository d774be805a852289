import { forgeJwt, decodeJwtPart } from './support/forge';
import { errorCode, type GraphQLResponse } from './support/graphql-client';
import { LOGOUT, ME, type AuthPayloadData, type UserData } from './support/operations';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from './support/test-server';

let server: TestServer;
let genuine: AuthPayloadData;
let claims: Record<string, unknown>;
const GOOD_HEADER = { alg: 'HS256', typ: 'at+jwt' };

beforeAll(async () => {
  server = await startTestServer();
  genuine = await server.register();
  claims = decodeJwtPart(genuine.accessToken, 1);
});
afterAll(() => server.stop());

function expectRefused(response: GraphQLResponse<unknown>, code: string): void {
  expect(response.status).toBe(401);
  expect(errorCode(response)).toBe(code);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  expect(response.data ?? null).toBeNull();
  expect(response.text).not.toMatch(/stacktrace|at .*\.ts:\d+/);
}

const withoutClaim = (name: string) => Object.fromEntries(Object.entries(claims).filter(([key]) => key !== name));

describe('a token we did not issue is refused with INVALID_TOKEN', () => {
  const cases: Array<[string, () => string]> = [
    ['alg none, no signature', () => forgeJwt({ alg: 'none', typ: 'at+jwt' }, claims, null)],
    ['alg none with a signature', () => forgeJwt({ alg: 'none', typ: 'at+jwt' }, claims, TEST_JWT_SECRET)],
    ['alg NoNe in mixed case', () => forgeJwt({ alg: 'NoNe', typ: 'at+jwt' }, claims, TEST_JWT_SECRET)],
    ['HS512 instead of HS256', () => forgeJwt({ alg: 'HS512', typ: 'at+jwt' }, claims, TEST_JWT_SECRET)],
    ['signed with another secret', () => forgeJwt(GOOD_HEADER, claims, 'another secret that is long enough!!')],
    ['no jti', () => forgeJwt(GOOD_HEADER, withoutClaim('jti'), TEST_JWT_SECRET)],
    ['no sub', () => forgeJwt(GOOD_HEADER, withoutClaim('sub'), TEST_JWT_SECRET)],
    ['no sid', () => forgeJwt(GOOD_HEADER, withoutClaim('sid'), TEST_JWT_SECRET)],
    ['wrong typ', () => forgeJwt({ alg: 'HS256', typ: 'JWT' }, claims, TEST_JWT_SECRET)],
    ['no typ', () => forgeJwt({ alg: 'HS256' }, claims, TEST_JWT_SECRET)],
    ['wrong issuer', () => forgeJwt(GOOD_HEADER, { ...claims, iss: 'someone-else' }, TEST_JWT_SECRET)],
    ['wrong audience', () => forgeJwt(GOOD_HEADER, { ...claims, aud: 'someone-else' }, TEST_JWT_SECRET)],
    ['unknown role', () => forgeJwt(GOOD_HEADER, { ...claims, role: 'ROOT' }, TEST_JWT_SECRET)],
    [
      'iat far in the future',
      () => forgeJwt(GOOD_HEADER, { ...claims, iat: Date.now() / 1000 + 3600 }, TEST_JWT_SECRET),
    ],
    [
      'tampered payload, original signature',
      () => {
        const [header, , signature] = genuine.accessToken.split('.');
        const payload = Buffer.from(JSON.stringify({ ...claims, role: 'ADMIN' })).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    ['a refresh token', () => genuine.refreshToken],
    ['garbage', () => 'garbage'],
    ['three segments of garbage', () => 'aaa.bbb.ccc'],
    ['longer than 8 KB', () => forgeJwt(GOOD_HEADER, { ...claims, pad: 'x'.repeat(9000) }, TEST_JWT_SECRET)],
  ];

  it.each(cases)('%s', async (_name, makeToken) => {
    expectRefused(await server.gql(ME, {}, { token: makeToken() }), 'INVALID_TOKEN');
  });
});

describe('a malformed Authorization header is refused, never ignored', () => {
  it.each([
    ['Basic scheme', 'Basic dXNlcjpwYXNz'],
    ['Bearer without a token', 'Bearer'],
    ['two tokens', `Bearer a.b.c d.e.f`],
    ['a token without the scheme', 'eyJ.eyJ.sig'],
  ])('%s', async (_name, header) => {
    expectRefused(await server.gql(ME, {}, { headers: { authorization: header } }), 'INVALID_TOKEN');
  });

  it('answers a 64 KB header with 431 and stays healthy', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${'a'.repeat(64 * 1024)}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(431);
    const health = await fetch(`${server.baseUrl}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe('a token of ours that is no longer good', () => {
  it('is TOKEN_EXPIRED once past its exp, whether or not it was accepted (and remembered as verified) before', async () => {
    const unused = await server.register();
    const used = await server.register();
    expect((await server.gql(ME, {}, { token: used.accessToken })).status).toBe(200);
    server.clock.advance((server.config.jwt.accessTokenTtlSeconds + 1) * 1000);
    try {
      for (const { accessToken } of [unused, used]) {
        expectRefused(await server.gql(ME, {}, { token: accessToken }), 'TOKEN_EXPIRED');
      }
    } finally {
      server.clock.advance(-(server.config.jwt.accessTokenTtlSeconds + 1) * 1000);
    }
  });

  it('refuses a tampered copy of a token that was just accepted', async () => {
    const user = await server.register();
    expect((await server.gql(ME, {}, { token: user.accessToken })).status).toBe(200);
    const [header, , signature] = user.accessToken.split('.');
    const payload = Buffer.from(JSON.stringify({ ...decodeJwtPart(user.accessToken, 1), role: 'ADMIN' })).toString(
      'base64url',
    );
    expectRefused(await server.gql(ME, {}, { token: `${header}.${payload}.${signature}` }), 'INVALID_TOKEN');
  });

  it('is TOKEN_REVOKED with the reason for the genuine token, plain INVALID_TOKEN for a forged twin', async () => {
    const user = await server.register();
    const logout = await server.gql(LOGOUT, {}, { token: user.accessToken });
    expect(logout.errors).toBeUndefined();

    const revoked = await server.gql(ME, {}, { token: user.accessToken });
    expectRefused(revoked, 'TOKEN_REVOKED');
    expect(revoked.errors?.[0]?.extensions?.reason).toBe('logged out');

    const twin = forgeJwt(GOOD_HEADER, decodeJwtPart(user.accessToken, 1), 'not the secret but long enough!!!!');
    const forged = await server.gql(ME, {}, { token: twin });
    expectRefused(forged, 'INVALID_TOKEN');
    expect(forged.errors?.[0]?.extensions?.reason).toBeUndefined();
    expect(forged.text).not.toContain('logged out');
  });

  it('leaves the genuine token working after all of the above', async () => {
    const me = await server.gql<{ me: UserData }>(ME, {}, { token: genuine.accessToken });
    expect(me.data?.me.id).toBe(genuine.user.id);
  });
});

describe('with the verified-token cache turned off (TOKEN_CACHE_SIZE=0)', () => {
  let uncached: TestServer;
  beforeAll(async () => {
    uncached = await startTestServer({ env: { TOKEN_CACHE_SIZE: '0' } });
  });
  afterAll(() => uncached.stop());

  it('verifies every request from scratch: accepts the genuine token each time, refuses it once expired', async () => {
    const user = await uncached.register();
    for (let i = 0; i < 2; i += 1) {
      expect((await uncached.gql(ME, {}, { token: user.accessToken })).status).toBe(200);
    }
    uncached.clock.advance((uncached.config.jwt.accessTokenTtlSeconds + 1) * 1000);
    expectRefused(await uncached.gql(ME, {}, { token: user.accessToken }), 'TOKEN_EXPIRED');
  });
});
