import { ME } from './support/operations';
import { useTestServer } from './support/shared-server';

const APP_ORIGIN = 'http://127.0.0.1:5173';
const OTHER_ORIGIN = 'http://127.0.0.1:6666';

const preflight = (url: string, origin: string) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,authorization',
    },
  });

const post = (url: string, headers: Record<string, string>, body = JSON.stringify({ query: '{ __typename }' })) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

const list = (header: string | null) => (header ?? '').split(',').map((value) => value.trim().toLowerCase());

/** Every Access-Control-* header of an answer. */
const accessControlHeaders = (response: Response) =>
  [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

describe('cross-origin calls from browser apps (CORS_ORIGINS)', () => {
  const server = useTestServer({ env: { CORS_ORIGINS: `${APP_ORIGIN},https://app.example.com` } });

  it('answers a listed origin’s preflight 204 with credentials, the GraphQL methods and headers, and a Max-Age', async () => {
    const response = await preflight(server.url, APP_ORIGIN);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(list(response.headers.get('access-control-allow-methods'))).toEqual(expect.arrayContaining(['get', 'post']));
    expect(list(response.headers.get('access-control-allow-headers'))).toEqual(
      expect.arrayContaining([
        'authorization',
        'content-type',
        'apollo-require-preflight',
        'x-apollo-operation-name',
        'x-request-id',
      ]),
    );
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(list(response.headers.get('vary'))).toContain('origin');
  });

  it('grants a listed origin’s request and exposes the request id, the bearer challenge and Retry-After', async () => {
    const response = await post(server.url, { origin: APP_ORIGIN });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(list(response.headers.get('access-control-expose-headers'))).toEqual(
      expect.arrayContaining(['x-request-id', 'www-authenticate', 'retry-after']),
    );
    expect(list(response.headers.get('vary'))).toContain('origin');
  });

  it('lets a listed page read a refusal: a bad token’s 401 carries the grant and the challenge', async () => {
    const response = await post(
      server.url,
      { origin: APP_ORIGIN, authorization: 'Bearer not.a.token' },
      JSON.stringify({ query: ME }),
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  });

  it('gives an unlisted origin no grant at all, preflight or request', async () => {
    const refusedPreflight = await preflight(server.url, OTHER_ORIGIN);
    expect(refusedPreflight.status).toBe(204);
    expect(accessControlHeaders(refusedPreflight)).toEqual([]);
    expect(list(refusedPreflight.headers.get('vary'))).toContain('origin');

    const request = await post(server.url, { origin: OTHER_ORIGIN });
    expect(accessControlHeaders(request)).toEqual([]);
    expect(list(request.headers.get('vary'))).toContain('origin');
  });

  it('matches origins exactly: another port, scheme or a suffix is not listed', async () => {
    for (const origin of ['http://127.0.0.1:51730', 'https://127.0.0.1:5173', 'https://app.example.com.evil.test']) {
      const response = await preflight(server.url, origin);
      expect(accessControlHeaders(response)).toEqual([]);
    }
  });

  it('keeps Apollo’s CSRF prevention: a simple cross-site POST from a listed origin is refused before execution', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { origin: APP_ORIGIN, 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(400);
  });

  it('answers a same-origin request (no Origin header) as before, with Vary: Origin', async () => {
    const response = await post(server.url, {});
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(list(response.headers.get('vary'))).toContain('origin');
  });
});

describe('without CORS_ORIGINS', () => {
  const server = useTestServer();

  it('grants no origin, and same-origin calls keep working', async () => {
    expect(accessControlHeaders(await preflight(server.url, APP_ORIGIN))).toEqual([]);
    expect(accessControlHeaders(await post(server.url, { origin: APP_ORIGIN }))).toEqual([]);
    expect((await post(server.url, {})).status).toBe(200);
  });
});
