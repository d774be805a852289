import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwtPart, forgeEs256Jwt, forgeJwt, forgeRawJwt, forgeRs256Jwt } from './support/forge';
import { errorCode, type GraphQLResponse } from './support/graphql-client';
import {
  LOGOUT,
  ME,
  REVOKE_SIGNING_KEY,
  REVOKE_TOKEN,
  type AuthPayloadData,
  type UserData,
} from './support/operations';
import { rawGraphQLPost } from './support/raw-http';
import { newestHmacKey } from './support/signing-keys';
import { useTestServer } from './support/shared-server';

// The attacks of RFC 8725 (JWT Best Current Practices) and its neighbours, each sent over real
// HTTP to a real server. Every one must end in a 401 with a stable code, never in a 5xx.

const server = useTestServer();
let genuine: AuthPayloadData;
let second: AuthPayloadData;
let claims: Record<string, unknown>;
let admin: AuthPayloadData;
let ourKid: string;
let ourKey: Buffer;
let GOOD_HEADER: Record<string, unknown>;
const ATTACKER_SECRET = 'an attacker secret that is long enough!!';
const { privateKey: attackerPrivateKey, publicKey: attackerPublicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
});
const attackerPublicPem = attackerPublicKey.export({ type: 'spki', format: 'pem' });
let scratchDir: string;
let attackerKeyFile: string;

beforeAll(async () => {
  scratchDir = mkdtempSync(join(tmpdir(), 'token-warden-attacks-'));
  attackerKeyFile = join(scratchDir, 'attacker.key');
  writeFileSync(attackerKeyFile, ATTACKER_SECRET);
  genuine = await server.register();
  second = await server.register();
  admin = await server.loginAdmin();
  claims = decodeJwtPart(genuine.accessToken, 1);
  ({ kid: ourKid, secret: ourKey } = await newestHmacKey(server));
  GOOD_HEADER = { alg: 'HS256', typ: 'at+jwt', kid: ourKid };
});
afterAll(() => rmSync(scratchDir, { recursive: true, force: true }));

function expectRefused(response: GraphQLResponse<unknown>, code: string): void {
  expect(response.status).toBe(401);
  expect(errorCode(response)).toBe(code);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  expect(response.data ?? null).toBeNull();
  expect(response.text).not.toMatch(/stacktrace|node_modules|at .*\.[jt]s:\d+/);
}

/** Every spelling of an ASCII word in upper and lower case: "none", "nonE", …, "NONE". */
function letterCases(word: string): string[] {
  return Array.from({ length: 2 ** word.length }, (_, mask) =>
    Array.from({ length: word.length }, (__, i) =>
      mask & (1 << i) ? word.charAt(i).toUpperCase() : word.charAt(i),
    ).join(''),
  );
}

const withoutClaim = (name: string) => Object.fromEntries(Object.entries(claims).filter(([key]) => key !== name));
const withClaims = (extra: Record<string, unknown>) => forgeJwt(GOOD_HEADER, { ...claims, ...extra }, ourKey);
const withHeader = (header: Record<string, unknown>) => forgeJwt(header, claims, ourKey);
const nowSeconds = () => server.clock.now() / 1000;
const segments = (token: string) => token.split('.') as [string, string, string];
const encode = (text: string) => Buffer.from(text).toString('base64url');

type Case = [string, () => string];

const algorithmCases: Case[] = [
  ...letterCases('none').flatMap((alg): Case[] => [
    [`alg "${alg}", no signature`, () => forgeJwt({ alg, typ: 'at+jwt', kid: ourKid }, claims, null)],
    [`alg "${alg}" with our HMAC`, () => forgeJwt({ alg, typ: 'at+jwt', kid: ourKid }, claims, ourKey)],
  ]),
  ['no alg', () => withHeader({ typ: 'at+jwt', kid: ourKid })],
  ['alg null', () => withHeader({ alg: null, typ: 'at+jwt', kid: ourKid })],
  ['alg "hs256" in lower case', () => withHeader({ alg: 'hs256', typ: 'at+jwt', kid: ourKid })],
  ['alg "HS256 " with a trailing space', () => withHeader({ alg: 'HS256 ', typ: 'at+jwt', kid: ourKid })],
  ['alg as an array', () => withHeader({ alg: ['HS256'], typ: 'at+jwt', kid: ourKid })],
  ['HS512 with our key', () => withHeader({ alg: 'HS512', typ: 'at+jwt', kid: ourKid })],
  ['HS384 with our key', () => withHeader({ alg: 'HS384', typ: 'at+jwt', kid: ourKid })],
  [
    'RS256 signed with an attacker key',
    () => forgeRs256Jwt({ alg: 'RS256', typ: 'at+jwt', kid: ourKid }, claims, attackerPrivateKey),
  ],
  [
    'RS256 with the attacker public key embedded as jwk',
    () =>
      forgeRs256Jwt(
        { alg: 'RS256', typ: 'at+jwt', jwk: attackerPublicKey.export({ format: 'jwk' }) },
        claims,
        attackerPrivateKey,
      ),
  ],
  ['HS/RS confusion: HMAC keyed with a public key', () => forgeJwt(GOOD_HEADER, claims, attackerPublicPem)],
  ['signed with another secret', () => forgeJwt(GOOD_HEADER, claims, ATTACKER_SECRET)],
  ['signed with an empty secret', () => forgeJwt(GOOD_HEADER, claims, '')],
];

const signatureCases: Case[] = [
  [
    'spliced: one token, the signature of another',
    () => `${segments(genuine.accessToken)[0]}.${segments(second.accessToken)[1]}.${segments(genuine.accessToken)[2]}`,
  ],
  [
    'tampered payload, original signature',
    () =>
      `${segments(genuine.accessToken)[0]}.${encode(JSON.stringify({ ...claims, role: 'ADMIN' }))}.${segments(genuine.accessToken)[2]}`,
  ],
  [
    'tampered sub, original signature',
    () =>
      `${segments(genuine.accessToken)[0]}.${encode(JSON.stringify({ ...claims, sub: second.user.id }))}.${segments(genuine.accessToken)[2]}`,
  ],
  [
    'duplicate role appended to the signed payload text',
    () => {
      const [header, payload, signature] = segments(genuine.accessToken);
      const text = Buffer.from(payload, 'base64url').toString().replace(/\}$/, ',"role":"ADMIN"}');
      return `${header}.${encode(text)}.${signature}`;
    },
  ],
  ['signature stripped', () => `${segments(genuine.accessToken).slice(0, 2).join('.')}.`],
  ['signature cut short', () => genuine.accessToken.slice(0, -2)],
  [
    'signature of zero bytes',
    () => `${segments(genuine.accessToken).slice(0, 2).join('.')}.${encode('\0'.repeat(32))}`,
  ],
];

const headerCases: Case[] = [
  ['typ JWT', () => withHeader({ alg: 'HS256', typ: 'JWT' })],
  ['typ jwt', () => withHeader({ alg: 'HS256', typ: 'jwt' })],
  ['no typ', () => withHeader({ alg: 'HS256' })],
  ['typ application/jwt', () => withHeader({ alg: 'HS256', typ: 'application/jwt' })],
  ['typ refresh+jwt', () => withHeader({ alg: 'HS256', typ: 'refresh+jwt' })],
  ['typ as a number', () => withHeader({ alg: 'HS256', typ: 1 })],
  ['typ as an array', () => withHeader({ alg: 'HS256', typ: ['at+jwt'] })],
  ['a crit extension we do not understand', () => withHeader({ ...GOOD_HEADER, crit: ['exp'] })],
  ['kid /dev/null, empty key', () => forgeJwt({ ...GOOD_HEADER, kid: '/dev/null' }, claims, '')],
  ['kid ../../dev/null, empty key', () => forgeJwt({ ...GOOD_HEADER, kid: '../../../../../../dev/null' }, claims, '')],
  [
    'kid naming a file that holds the key',
    () => forgeJwt({ ...GOOD_HEADER, kid: attackerKeyFile }, claims, ATTACKER_SECRET),
  ],
  ['kid with SQL in it', () => forgeJwt({ ...GOOD_HEADER, kid: "x' UNION SELECT 'k" }, claims, 'k')],
  [
    'x5c with a made-up chain',
    () => forgeJwt({ ...GOOD_HEADER, x5c: [encode('not a cert')] }, claims, ATTACKER_SECRET),
  ],
];

const claimCases: Case[] = [
  ['no jti', () => forgeJwt(GOOD_HEADER, withoutClaim('jti'), ourKey)],
  ['no sub', () => forgeJwt(GOOD_HEADER, withoutClaim('sub'), ourKey)],
  ['no exp', () => forgeJwt(GOOD_HEADER, withoutClaim('exp'), ourKey)],
  ['no sid', () => forgeJwt(GOOD_HEADER, withoutClaim('sid'), ourKey)],
  ['no iss', () => forgeJwt(GOOD_HEADER, withoutClaim('iss'), ourKey)],
  ['no aud', () => forgeJwt(GOOD_HEADER, withoutClaim('aud'), ourKey)],
  ['wrong issuer', () => withClaims({ iss: 'someone-else' })],
  ['wrong audience', () => withClaims({ aud: 'someone-else' })],
  ['audience list without ours', () => withClaims({ aud: ['a', 'b'] })],
  ['iat an hour ahead, beyond the leeway', () => withClaims({ iat: nowSeconds() + 3600 })],
  ['nbf an hour ahead', () => withClaims({ nbf: Math.floor(nowSeconds()) + 3600 })],
  ['iat as a string', () => withClaims({ iat: String(claims.iat) })],
  ['exp as a string', () => withClaims({ exp: String(claims.exp) })],
  ['sub as a number', () => withClaims({ sub: 42 })],
  ['jti too short to be ours', () => withClaims({ jti: 'x' })],
  ['unknown role', () => withClaims({ role: 'ROOT' })],
  [
    'role hidden under __proto__',
    () => forgeJwt(GOOD_HEADER, { ...withoutClaim('role'), ['__proto__']: { role: 'ADMIN' } }, ourKey),
  ],
  ['a refresh token', () => genuine.refreshToken],
];

const shapeCases: Case[] = [
  ['header that is not JSON', () => forgeRawJwt('not json', JSON.stringify(claims), ourKey)],
  ['payload that is not JSON', () => forgeRawJwt(JSON.stringify(GOOD_HEADER), 'not json', ourKey)],
  ['payload null', () => forgeRawJwt(JSON.stringify(GOOD_HEADER), 'null', ourKey)],
  ['payload an array', () => forgeRawJwt(JSON.stringify(GOOD_HEADER), '[]', ourKey)],
  ['payload a number', () => forgeRawJwt(JSON.stringify(GOOD_HEADER), '42', ourKey)],
  ['payload a string', () => forgeRawJwt(JSON.stringify(GOOD_HEADER), '"claims"', ourKey)],
  ['payload empty', () => forgeRawJwt(JSON.stringify(GOOD_HEADER), '', ourKey)],
  [
    'payload of bytes that are not UTF-8',
    () => `${encode(JSON.stringify(GOOD_HEADER))}.${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')}.sig`,
  ],
  [
    'header with alg twice, none last',
    () => forgeRawJwt('{"alg":"HS256","typ":"at+jwt","alg":"none"}', JSON.stringify(claims), null),
  ],
  [
    'header with alg twice, HS256 last, attacker key',
    () => forgeRawJwt('{"alg":"none","typ":"at+jwt","alg":"HS256"}', JSON.stringify(claims), ATTACKER_SECRET),
  ],
  ['garbage', () => 'garbage'],
  ['three segments of garbage', () => 'aaa.bbb.ccc'],
  ['two segments', () => segments(genuine.accessToken).slice(0, 2).join('.')],
  ['four segments', () => `${genuine.accessToken}.extra`],
  ['empty segments', () => '..'],
  ['base64 padding', () => `${segments(genuine.accessToken).join('=.')}=`],
  ['standard base64 alphabet', () => genuine.accessToken.replace(/-/g, '+').replace(/_/g, '/') + '+/'],
  ['longer than 8 KB', () => withClaims({ pad: 'x'.repeat(9000) })],
  ['attacker claims in unicode', () => forgeJwt(GOOD_HEADER, { ...claims, sub: '\u202e\u0000😀' }, ATTACKER_SECRET)],
];

const { privateKey: attackerEcKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const withKid = (kid: unknown) => forgeJwt({ ...GOOD_HEADER, kid }, claims, ourKey);

const kidCases: Case[] = [
  ['no kid, our HMAC', () => forgeJwt({ alg: 'HS256', typ: 'at+jwt' }, claims, ourKey)],
  ['an unknown kid, our HMAC', () => withKid(randomBytes(12).toString('base64url'))],
  ['an unknown kid, an attacker HMAC', () => forgeJwt({ ...GOOD_HEADER, kid: 'attacker' }, claims, ATTACKER_SECRET)],
  ['kid as a path', () => withKid('../../../../dev/null')],
  ['kid as an absolute path', () => withKid('/etc/passwd')],
  ['kid as SQL', () => withKid("' OR '1'='1")],
  ['kid as SQL that drops a table', () => withKid("x'; drop table signing_keys; --")],
  ['kid with a NUL character', () => withKid(`${ourKid}\u0000`)],
  ['kid of 10 000 characters', () => withKid('k'.repeat(10_000))],
  ['kid as a number', () => withKid(1)],
  ['kid as null', () => withKid(null)],
  ['kid as an object', () => withKid({ kid: ourKid })],
  ['kid as an array', () => withKid([ourKid])],
  [
    'our kid in a different case',
    () => withKid(ourKid.toUpperCase() === ourKid ? ourKid.toLowerCase() : ourKid.toUpperCase()),
  ],
  [
    'a kid that names our HS key on an ES256 token',
    () => forgeEs256Jwt({ alg: 'ES256', typ: 'at+jwt', kid: ourKid }, claims, attackerEcKey),
  ],
];

describe.each([
  ['kid', kidCases],
  ['algorithm', algorithmCases],
  ['signature', signatureCases],
  ['header', headerCases],
  ['claims', claimCases],
  ['shape', shapeCases],
])('%s attacks are refused with INVALID_TOKEN', (_group, cases) => {
  it.each(cases)('%s', async (_name, makeToken) => {
    expectRefused(await server.gql(ME, {}, { token: makeToken() }), 'INVALID_TOKEN');
  });
});

describe('key URLs in a token are never fetched', () => {
  let keyHost: Server;
  let keyHostUrl: string;
  let fetched = 0;
  let connected = 0;
  beforeAll(async () => {
    keyHost = createServer((_request, response) => {
      fetched += 1;
      response.end(JSON.stringify({ keys: [attackerPublicKey.export({ format: 'jwk' })] }));
    });
    keyHost.on('connection', () => (connected += 1));
    await new Promise<void>((resolve) => keyHost.listen(0, '127.0.0.1', resolve));
    const address = keyHost.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    keyHostUrl = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => new Promise<void>((resolve) => keyHost.close(() => resolve())));

  it.each(['jku', 'x5u'])('%s pointing at a key server the attacker runs', async (header) => {
    for (const alg of ['RS256', 'HS256']) {
      const forged =
        alg === 'RS256'
          ? forgeRs256Jwt(
              { alg, typ: 'at+jwt', kid: ourKid, [header]: `${keyHostUrl}/keys` },
              claims,
              attackerPrivateKey,
            )
          : forgeJwt({ alg, typ: 'at+jwt', kid: ourKid, [header]: `${keyHostUrl}/keys` }, claims, ATTACKER_SECRET);
      expectRefused(await server.gql(ME, {}, { token: forged }), 'INVALID_TOKEN');
    }
    // A fetch started for these tokens, even one left to run after the answers, would have
    // connected within a second on loopback.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect({ connected, fetched }).toEqual({ connected: 0, fetched: 0 });
  });
});

describe('what is accepted is decided by our key and claims alone', () => {
  const freshJti = () => randomBytes(16).toString('base64url');

  it.each([
    [
      'typ in upper case',
      () => forgeJwt({ alg: 'HS256', typ: 'AT+JWT', kid: ourKid }, { ...claims, jti: freshJti() }, ourKey),
    ],
    [
      'typ with the application/ prefix',
      () => forgeJwt({ alg: 'HS256', typ: 'application/at+jwt', kid: ourKid }, { ...claims, jti: freshJti() }, ourKey),
    ],
    ['iat ten seconds ahead, within the leeway', () => withClaims({ jti: freshJti(), iat: nowSeconds() + 10 })],
  ])('%s', async (_name, makeToken) => {
    const me = await server.gql<{ me: UserData }>(ME, {}, { token: makeToken() });
    expect(me.errors).toBeUndefined();
    expect(me.data?.me.id).toBe(genuine.user.id);
  });

  it('reads duplicate claims as the verifier does, so a second jti cannot dodge a revocation', async () => {
    const revokedJti = freshJti();
    const revoke = await server.gql(REVOKE_TOKEN, { input: { jti: revokedJti } }, { token: admin.accessToken });
    expect(revoke.errors).toBeUndefined();
    const payload = JSON.stringify({ ...claims, jti: freshJti() }).replace(/\}$/, `,"jti":"${revokedJti}"}`);
    expectRefused(
      await server.gql(ME, {}, { token: forgeRawJwt(JSON.stringify(GOOD_HEADER), payload, ourKey) }),
      'TOKEN_REVOKED',
    );
  });

  it('is TOKEN_EXPIRED for our own token past its exp', async () => {
    expectRefused(
      await server.gql(ME, {}, { token: withClaims({ exp: Math.floor(nowSeconds()) - 1 }) }),
      'TOKEN_EXPIRED',
    );
  });
});

describe('the Authorization header itself', () => {
  it.each([
    ['Basic scheme', 'Basic dXNlcjpwYXNz'],
    ['Bearer without a token', 'Bearer'],
    ['two tokens', `Bearer a.b.c d.e.f`],
    ['a token without the scheme', 'eyJ.eyJ.sig'],
    ['a tab instead of a space', 'Bearer\ta.b.c'],
    ['an empty value', ''],
  ])('%s is refused, never ignored', async (_name, header) => {
    expectRefused(await server.gql(ME, {}, { headers: { authorization: header } }), 'INVALID_TOKEN');
  });

  const raw = (value: Buffer) =>
    rawGraphQLPost(
      Number(new URL(server.baseUrl).port),
      [Buffer.concat([Buffer.from('Authorization: '), value])],
      JSON.stringify({ query: '{ me { id } }' }),
    );

  it.each([
    [
      'UTF-8 inside the token',
      () => Buffer.from(`Bearer ${genuine.accessToken.slice(0, 20)}é${genuine.accessToken.slice(20)}`),
    ],
    ['a zero-width space after the token', () => Buffer.from(`Bearer ${genuine.accessToken}\u200b`)],
    ['a full-width scheme', () => Buffer.from(`Ｂｅａｒｅｒ ${genuine.accessToken}`)],
    ['Latin-1 bytes', () => Buffer.concat([Buffer.from('Bearer '), Buffer.from([0xe9, 0xff]), Buffer.from('.a.b')])],
  ])('%s is INVALID_TOKEN', async (_name, value) => {
    const response = await raw(value());
    expect(response.status).toBe(401);
    expect(response.body).toContain('"code":"INVALID_TOKEN"');
    expect(response.body).not.toMatch(/stacktrace|node_modules/);
  });

  it.each([
    ['a NUL byte', '\u0000'],
    ['a control character', '\u0001'],
    ['an escape sequence', '\u001b[31m'],
  ])('%s is refused by the HTTP parser with 400 before it reaches the API', async (_name, inserted) => {
    const response = await raw(
      Buffer.from(`Bearer ${genuine.accessToken.slice(0, 20)}${inserted}${genuine.accessToken.slice(20)}`),
    );
    expect(response.status).toBe(400);
  });

  it('answers a 64 KB header with 431', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${'a'.repeat(64 * 1024)}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(431);
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
    const [header, , signature] = segments(user.accessToken);
    const payload = encode(JSON.stringify({ ...decodeJwtPart(user.accessToken, 1), role: 'ADMIN' }));
    expectRefused(await server.gql(ME, {}, { token: `${header}.${payload}.${signature}` }), 'INVALID_TOKEN');
  });

  it('is TOKEN_REVOKED with the reason for the genuine token, plain INVALID_TOKEN for a forged twin', async () => {
    const user = await server.register();
    const logout = await server.gql(LOGOUT, {}, { token: user.accessToken });
    expect(logout.errors).toBeUndefined();

    const revoked = await server.gql(ME, {}, { token: user.accessToken });
    expectRefused(revoked, 'TOKEN_REVOKED');
    expect(revoked.errors?.[0]?.extensions?.reason).toBe('logged out');

    const twin = forgeJwt(GOOD_HEADER, decodeJwtPart(user.accessToken, 1), ATTACKER_SECRET);
    const forged = await server.gql(ME, {}, { token: twin });
    expectRefused(forged, 'INVALID_TOKEN');
    expect(forged.errors?.[0]?.extensions?.reason).toBeUndefined();
    expect(forged.text).not.toContain('logged out');
  });
});

describe('after every attack above', () => {
  it('the server is healthy, the genuine token still works, and nothing was logged as an error', async () => {
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    const me = await server.gql<{ me: UserData }>(ME, {}, { token: genuine.accessToken });
    expect(me.data?.me.id).toBe(genuine.user.id);
    const errors = server.logs.entries().filter((entry) => Number(entry.level) >= 50 || entry.level === 'error');
    expect(errors).toEqual([]);
  });
});

describe('with the verified-token cache turned off (TOKEN_CACHE_SIZE=0)', () => {
  const uncached = useTestServer({ env: { TOKEN_CACHE_SIZE: '0' } });

  it('verifies every request from scratch: accepts the genuine token each time, refuses it once expired', async () => {
    const user = await uncached.register();
    for (let i = 0; i < 2; i += 1) {
      expect((await uncached.gql(ME, {}, { token: user.accessToken })).status).toBe(200);
    }
    uncached.clock.advance((uncached.config.jwt.accessTokenTtlSeconds + 1) * 1000);
    expectRefused(await uncached.gql(ME, {}, { token: user.accessToken }), 'TOKEN_EXPIRED');
  });
});

describe('the kid of a revoked key', () => {
  const keyServer = useTestServer();

  it('is TOKEN_REVOKED for a genuine token it signed, INVALID_TOKEN for a forgery naming it', async () => {
    const user = await keyServer.register();
    const { kid, secret } = await newestHmacKey(keyServer);
    const revoke = await keyServer.gql(
      REVOKE_SIGNING_KEY,
      { kid, reason: 'leaked key' },
      { token: (await keyServer.loginAdmin()).accessToken },
    );
    expect(revoke.errors).toBeUndefined();
    const genuineRefusal = await keyServer.gql(ME, {}, { token: user.accessToken });
    expectRefused(genuineRefusal, 'TOKEN_REVOKED');
    expect(genuineRefusal.errors?.[0]?.extensions?.reason).toBe('leaked key');
    const userClaims = decodeJwtPart(user.accessToken, 1);
    const fresh = { ...userClaims, jti: randomBytes(16).toString('base64url') };
    // Even signed with the revoked key itself, as whoever stole it could.
    expectRefused(
      await keyServer.gql(ME, {}, { token: forgeJwt({ alg: 'HS256', typ: 'at+jwt', kid }, fresh, secret) }),
      'TOKEN_REVOKED',
    );
    expectRefused(
      await keyServer.gql(ME, {}, { token: forgeJwt({ alg: 'HS256', typ: 'at+jwt', kid }, fresh, ATTACKER_SECRET) }),
      'INVALID_TOKEN',
    );
  });
});
