import type * as OAuth from 'oauth4webapi' with { 'resolution-mode': 'import' };
import { loadConfig } from '../src/config';
import { decodeJwtPart, forgeJwt } from './support/forge';
import { freePort } from './support/free-port';
import { errorCode } from './support/graphql-client';
import { LOGOUT, ME, REFRESH, REVOKE_SIGNING_KEY, type AuthPayloadData } from './support/operations';
import { kidOf } from './support/signing-keys';
import { useTestServer } from './support/shared-server';
import { connectLive } from './support/ws-client';

const CLIENT_ID = 'billing-service';
const CLIENT_SECRET = 'a-client-secret-of-at-least-32-characters';

let oauth: typeof OAuth;
let issuer: URL;
// The issuer URL names the port, so the port is chosen before the server starts.
const server = useTestServer(async () => {
  const port = await freePort();
  issuer = new URL(`http://127.0.0.1:${port}`);
  return {
    port,
    env: {
      JWT_ISSUER: issuer.origin,
      OAUTH_CLIENTS: `${CLIENT_ID}:${CLIENT_SECRET},other:${'o'.repeat(40)}`,
      LOGIN_THROTTLE_EMAIL_FREE: '3',
      LOGIN_THROTTLE_EMAIL_MAX: '3',
    },
  };
});
let as: OAuth.AuthorizationServer;
const client: OAuth.Client = { client_id: CLIENT_ID };

beforeAll(async () => {
  oauth = await import('oauth4webapi');
  const insecure = options();
  as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
  );
});

// oauth4webapi marks the option deprecated so that it stands out: the test server is plain HTTP on loopback.
// eslint-disable-next-line @typescript-eslint/no-deprecated
const options = () => ({ [oauth.allowInsecureRequests]: true });

async function introspect(token: string, secret = CLIENT_SECRET): Promise<OAuth.IntrospectionResponse> {
  const response = await oauth.introspectionRequest(as, client, oauth.ClientSecretBasic(secret), token, options());
  return oauth.processIntrospectionResponse(as, client, response);
}

async function revoke(token: string, hint?: string): Promise<void> {
  const additionalParameters = hint === undefined ? undefined : { token_type_hint: hint };
  const response = await oauth.revocationRequest(as, client, oauth.ClientSecretBasic(CLIENT_SECRET), token, {
    ...options(),
    additionalParameters,
  });
  await oauth.processRevocationResponse(response);
}

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
const basic = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
});

describe('RFC 8414 discovery', () => {
  it('names the issuer, the JWKS, both endpoints with client_secret_basic and the revocation event stream', () => {
    expect(as).toMatchObject({
      issuer: issuer.origin,
      jwks_uri: `${issuer.origin}/.well-known/jwks.json`,
      introspection_endpoint: `${issuer.origin}/oauth/introspect`,
      revocation_endpoint: `${issuer.origin}/oauth/revoke`,
      revocation_events_endpoint: `${issuer.origin}/oauth/revocation-events`,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic'],
    });
  });
});

describe('RFC 7662 introspection, answered from the mirror', () => {
  it('says active with the claims for a valid access token', async () => {
    const user = await server.register();
    const answer = await introspect(user.accessToken);
    expect(answer).toMatchObject({
      active: true,
      sub: user.user.id,
      scope: 'USER',
      role: 'USER',
      token_type: 'Bearer',
      client_id: 'token-warden',
      iss: issuer.origin,
      aud: 'token-warden',
      amr: ['pwd'],
    });
    expect(answer.auth_time).toBe(decodeJwtPart(user.accessToken, 1).auth_time);
    expect(typeof answer.jti).toBe('string');
    expect(answer.exp).toBe(Math.floor(Date.parse(user.accessTokenExpiresAt) / 1000));
    expect(typeof answer.iat).toBe('number');
  });

  it('says only active: false for revoked, expired, forged, garbage and refresh tokens, and a revoked key', async () => {
    const loggedOut = await server.register();
    await server.gql(LOGOUT, {}, { token: loggedOut.accessToken });
    const user = await server.register();
    const header = JSON.parse(Buffer.from(user.accessToken.split('.')[0] ?? '', 'base64url').toString()) as object;
    const forged = forgeJwt(header, { sub: user.user.id, role: 'ADMIN' }, 'an attacker secret of some length!!');
    for (const token of [loggedOut.accessToken, forged, 'garbage', 'a.b.c', user.refreshToken, 'x'.repeat(9000)]) {
      expect(await introspect(token)).toEqual({ active: false });
    }
    const stale = await server.register();
    server.clock.advance(16 * 60_000);
    expect(await introspect(stale.accessToken)).toEqual({ active: false });
  });

  it('refuses a wrong or missing client with 401 invalid_client and WWW-Authenticate', async () => {
    const user = await server.register();
    for (const headers of [
      {},
      basic(CLIENT_ID, 'wrong-secret'),
      basic('nobody', CLIENT_SECRET),
      { authorization: 'Bearer x' },
    ]) {
      const response = await post('/oauth/introspect', `token=${user.accessToken}`, headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect(await response.json()).toMatchObject({ error: 'invalid_client' });
    }
    // Another configured client is a client too.
    const other = await post('/oauth/introspect', `token=${user.accessToken}`, basic('other', 'o'.repeat(40)));
    expect(await other.json()).toMatchObject({ active: true });
  });

  it('answers bad requests with invalid_request, never a stack trace or a 500', async () => {
    const auth = basic(CLIENT_ID, CLIENT_SECRET);
    const cases: Array<[string, Record<string, string>]> = [
      ['', {}],
      ['token=', {}],
      ['token=a&token=b', {}],
      [`token=${'a'.repeat(20_000)}`, {}],
      ['{"token":"x"}', { 'content-type': 'application/json' }],
    ];
    for (const [body, headers] of cases) {
      const response = await post('/oauth/introspect', body, { ...auth, ...headers });
      expect([400, 413]).toContain(response.status);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ error: 'invalid_request' });
      expect(text).not.toMatch(/node_modules|at .*\.[jt]s:\d+/);
    }
  });

  it('throttles a client that keeps failing, like sign-ins', async () => {
    const wrong = basic('guesser', 'not the secret');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await post('/oauth/introspect', 'token=x', wrong)).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
  });
});

describe('RFC 7009 revocation', () => {
  it('blacklists an access token as revokeToken does: refused, and its socket cut', async () => {
    const user = await server.register();
    const live = connectLive(server.url, { token: user.accessToken });
    await live.connected;
    await revoke(user.accessToken);
    const refused = await server.gql(ME, {}, { token: user.accessToken });
    expect(errorCode(refused)).toBe('TOKEN_REVOKED');
    expect(refused.errors?.[0]?.extensions?.reason).toBe(`revoked by OAuth client ${CLIENT_ID}`);
    expect((await live.closed).code).toBe(4403);
    expect(await introspect(user.accessToken)).toEqual({ active: false });
  });

  it('ends the session of a refresh token, with or without the hint', async () => {
    for (const hint of ['refresh_token', undefined]) {
      const user = await server.register();
      await revoke(user.refreshToken, hint);
      expect(errorCode(await server.gql(REFRESH, { refreshToken: user.refreshToken }))).toBe('TOKEN_REVOKED');
      expect(errorCode(await server.gql(ME, {}, { token: user.accessToken }))).toBe('TOKEN_REVOKED');
    }
  });

  it('answers 200 for an invalid or unknown token, as section 2.2 asks', async () => {
    for (const token of ['garbage', 'a.b.c', 'A'.repeat(43), forgeJwt({ alg: 'HS256' }, {}, 'x')]) {
      await expect(revoke(token)).resolves.toBeUndefined();
    }
    const response = await post('/oauth/revoke', 'token_type_hint=access_token', basic(CLIENT_ID, CLIENT_SECRET));
    expect(response.status).toBe(400);
  });

  it('introspection says inactive for every token of a revoked signing key', async () => {
    const user: AuthPayloadData = await server.register();
    const admin = await server.loginAdmin();
    await server.gql(
      REVOKE_SIGNING_KEY,
      { kid: kidOf(user.accessToken), reason: 'leak' },
      { token: admin.accessToken },
    );
    expect(await introspect(user.accessToken)).toEqual({ active: false });
  });
});

it('OAUTH_CLIENTS refuses short secrets, duplicates and malformed pairs, naming the variable', () => {
  for (const value of ['svc:short', `svc:${'s'.repeat(32)},svc:${'t'.repeat(32)}`, 'no-colon', `:${'s'.repeat(32)}`]) {
    expect(() => loadConfig({ DATA_DIR: '/tmp', OAUTH_CLIENTS: value })).toThrow(/OAUTH_CLIENTS/);
  }
  expect(loadConfig({ DATA_DIR: '/tmp', OAUTH_CLIENTS: `svc:${'s'.repeat(32)}` }).oauthClients).toEqual([
    { id: 'svc', secret: 's'.repeat(32) },
  ]);
});
