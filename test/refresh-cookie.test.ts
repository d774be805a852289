import { errorCode, postGraphQL, type GraphQLResponse } from './support/graphql-client';
import { LOGOUT, LOGOUT_ALL, ME, REVOKE_USER_TOKENS, USER_FIELDS } from './support/operations';
import { useTestServer } from './support/shared-server';
import { uniqueEmail, USER_PASSWORD } from './support/test-server';

const APP_ORIGIN = 'http://127.0.0.1:5173';
const COOKIE_NAME = '__Host-token-warden-refresh';
const REFRESH_TTL_SECONDS = 7 * 86_400;

const PAYLOAD = `accessToken refreshToken accessTokenExpiresAt user { ${USER_FIELDS} }`;
const REGISTER_WITH = `mutation ($email: EmailAddress!, $password: String!, $delivery: RefreshTokenDelivery) {
  register(email: $email, password: $password, refreshTokenDelivery: $delivery) { ${PAYLOAD} }
}`;
const LOGIN_WITH = `mutation ($email: EmailAddress!, $password: String!, $delivery: RefreshTokenDelivery) {
  login(email: $email, password: $password, refreshTokenDelivery: $delivery) { ${PAYLOAD} }
}`;
const REFRESH_WITH = `mutation ($refreshToken: String, $delivery: RefreshTokenDelivery) {
  refreshToken(refreshToken: $refreshToken, refreshTokenDelivery: $delivery) { ${PAYLOAD} }
}`;
const REFRESH_FROM_COOKIE = `mutation { refreshToken { ${PAYLOAD} } }`;

interface Payload {
  accessToken: string;
  refreshToken: string | null;
  user: { id: string; email: string };
}

interface SetCookie {
  value: string;
  attributes: Map<string, string>;
}

/** The refresh cookie an answer sets, parsed; undefined when the answer sets none. */
function refreshCookieSet(response: GraphQLResponse<unknown>): SetCookie | undefined {
  const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${COOKIE_NAME}=`));
  if (line === undefined) return undefined;
  const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
  return {
    value: decodeURIComponent(pair.slice(COOKIE_NAME.length + 1)),
    attributes: new Map(
      attributes.map((attribute) => {
        const [name = '', value = ''] = attribute.split('=');
        return [name.toLowerCase(), value];
      }),
    ),
  };
}

const isClearing = (cookie: SetCookie | undefined) =>
  cookie !== undefined &&
  cookie.value === '' &&
  (cookie.attributes.get('max-age') === '0' || new Date(cookie.attributes.get('expires') ?? '').getTime() <= 0);

describe('the refresh token in an HttpOnly cookie', () => {
  const server = useTestServer({
    env: { CORS_ORIGINS: APP_ORIGIN, REFRESH_TOKEN_TTL: String(REFRESH_TTL_SECONDS) },
  });

  /** A request as a page would send it: its Origin, and the cookie when it has one. */
  const send = <T>(query: string, variables: Record<string, unknown>, page: { origin?: string; cookie?: string }) =>
    postGraphQL<T>(server.url, query, variables, {
      headers: {
        ...(page.origin === undefined ? {} : { origin: page.origin }),
        ...(page.cookie === undefined ? {} : { cookie: `${COOKIE_NAME}=${page.cookie}` }),
      },
    });

  const signInWithCookie = async (origin = APP_ORIGIN) => {
    const email = uniqueEmail('cookie');
    const response = await send<{ register: Payload }>(
      REGISTER_WITH,
      { email, password: USER_PASSWORD, delivery: 'COOKIE' },
      { origin },
    );
    const cookie = refreshCookieSet(response);
    if (!response.data || !cookie) throw new Error(`register failed: ${response.text}`);
    return { payload: response.data.register, cookie: cookie.value, email };
  };

  /** `origin: null` sends no Origin header at all. */
  const refreshFromCookie = (cookie: string, origin: string | null = APP_ORIGIN) =>
    send<{ refreshToken: Payload }>(REFRESH_FROM_COOKIE, {}, { origin: origin ?? undefined, cookie });

  it('sets the cookie HttpOnly, Secure, SameSite=Strict, host-only, for the refresh token’s lifetime; the body has none', async () => {
    const response = await send<{ register: Payload }>(
      REGISTER_WITH,
      { email: uniqueEmail('cookie'), password: USER_PASSWORD, delivery: 'COOKIE' },
      { origin: APP_ORIGIN },
    );
    expect(response.status).toBe(200);
    expect(response.data?.register.refreshToken).toBeNull();
    expect(response.data?.register.accessToken).toEqual(expect.any(String));
    const cookie = refreshCookieSet(response);
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie?.attributes.has('httponly')).toBe(true);
    expect(cookie?.attributes.has('secure')).toBe(true);
    expect(cookie?.attributes.get('samesite')?.toLowerCase()).toBe('strict');
    expect(cookie?.attributes.get('path')).toBe('/');
    expect(cookie?.attributes.has('domain')).toBe(false);
    expect(cookie?.attributes.get('max-age')).toBe(String(REFRESH_TTL_SECONDS));
  });

  it('sets it on login too, and leaves BODY delivery, the default, without any cookie', async () => {
    const { email } = await signInWithCookie();
    const byCookie = await send<{ login: Payload }>(
      LOGIN_WITH,
      { email, password: USER_PASSWORD, delivery: 'COOKIE' },
      { origin: APP_ORIGIN },
    );
    expect(byCookie.data?.login.refreshToken).toBeNull();
    expect(refreshCookieSet(byCookie)).toBeDefined();

    const byBody = await send<{ login: Payload }>(LOGIN_WITH, { email, password: USER_PASSWORD }, {});
    expect(byBody.data?.login.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(byBody.headers.getSetCookie()).toEqual([]);
  });

  it('refreshes from the cookie, rotating it back into the cookie; the spent cookie is then reuse', async () => {
    const { cookie, payload } = await signInWithCookie();
    const refreshed = await refreshFromCookie(cookie);
    expect(refreshed.status).toBe(200);
    expect(refreshed.data?.refreshToken.refreshToken).toBeNull();
    expect(refreshed.data?.refreshToken.user.id).toBe(payload.user.id);
    const next = refreshCookieSet(refreshed);
    expect(next?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(next?.value).not.toBe(cookie);
    expect(next?.attributes.get('max-age')).toBe(String(REFRESH_TTL_SECONDS));

    const me = await server.gql<{ me: { id: string } }>(ME, {}, { token: refreshed.data?.refreshToken.accessToken });
    expect(me.data?.me.id).toBe(payload.user.id);

    // Reuse detection works as for body tokens: the whole session ends, and the dead cookie is cleared.
    const reused = await refreshFromCookie(cookie);
    expect(errorCode(reused)).toBe('TOKEN_REVOKED');
    expect(reused.errors?.[0]?.extensions?.reason).toBe('refresh token reuse detected');
    expect(isClearing(refreshCookieSet(reused))).toBe(true);
    const successor = await refreshFromCookie(next?.value ?? '');
    expect(errorCode(successor)).toBe('TOKEN_REVOKED');
  });

  it('accepts the cookie from the service’s own origin', async () => {
    const { cookie } = await signInWithCookie(server.baseUrl);
    const refreshed = await refreshFromCookie(cookie, server.baseUrl);
    expect(refreshed.status).toBe(200);
    expect(refreshCookieSet(refreshed)).toBeDefined();
  });

  it.each([
    ['an unlisted origin', 'http://127.0.0.1:6666'],
    ['a look-alike origin', 'http://127.0.0.1:51730'],
    ['no Origin header', null],
  ])('refuses the cookie from %s with 403, without spending it', async (_label, origin) => {
    const { cookie } = await signInWithCookie();
    const refused = await refreshFromCookie(cookie, origin);
    expect(refused.status).toBe(403);
    expect(errorCode(refused)).toBe('FORBIDDEN');
    expect(refused.headers.getSetCookie()).toEqual([]);
    expect((await refreshFromCookie(cookie)).status).toBe(200);
  });

  it('refuses to set a cookie for an unlisted origin, before signing in', async () => {
    const email = uniqueEmail('cookie');
    const refused = await send<{ register: Payload }>(
      REGISTER_WITH,
      { email, password: USER_PASSWORD, delivery: 'COOKIE' },
      { origin: 'http://127.0.0.1:6666' },
    );
    expect(errorCode(refused)).toBe('FORBIDDEN');
    expect(refused.headers.getSetCookie()).toEqual([]);
    // No account was made: the same email registers afterwards.
    const registered = await send<{ register: Payload }>(REGISTER_WITH, { email, password: USER_PASSWORD }, {});
    expect(registered.data?.register.user.email).toBe(email);
  });

  it('is not spent by a cross-site simple request (text/plain, as a form or a no-cors fetch sends)', async () => {
    const { cookie } = await signInWithCookie();
    const crossSite = await fetch(server.url, {
      method: 'POST',
      headers: { origin: 'http://127.0.0.1:6666', 'content-type': 'text/plain', cookie: `${COOKIE_NAME}=${cookie}` },
      body: JSON.stringify({ query: REFRESH_FROM_COOKIE }),
    });
    expect(crossSite.status).toBe(400);
    expect(crossSite.headers.getSetCookie()).toEqual([]);
    expect((await refreshFromCookie(cookie)).status).toBe(200);
  });

  it('answers a refresh with neither argument nor cookie UNAUTHENTICATED', async () => {
    const response = await send(REFRESH_FROM_COOKIE, {}, { origin: APP_ORIGIN });
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
  });

  it('never authenticates anything else: `me` with only the cookie is UNAUTHENTICATED', async () => {
    const { cookie } = await signInWithCookie();
    const me = await send(ME, {}, { origin: APP_ORIGIN, cookie });
    expect(errorCode(me)).toBe('UNAUTHENTICATED');
  });

  it('moves a body token into the cookie when asked to', async () => {
    const { email } = await signInWithCookie();
    const byBody = await send<{ login: Payload }>(LOGIN_WITH, { email, password: USER_PASSWORD }, {});
    const moved = await send<{ refreshToken: Payload }>(
      REFRESH_WITH,
      { refreshToken: byBody.data?.login.refreshToken, delivery: 'COOKIE' },
      { origin: APP_ORIGIN },
    );
    expect(moved.data?.refreshToken.refreshToken).toBeNull();
    const cookie = refreshCookieSet(moved)?.value;
    expect((await refreshFromCookie(cookie ?? '')).status).toBe(200);
  });

  it.each([
    ['logout', LOGOUT],
    ['logoutAll', LOGOUT_ALL],
  ])(
    '%s clears the cookie in the same answer; the ended session’s cookie no longer refreshes',
    async (_name, query) => {
      const { cookie, payload } = await signInWithCookie();
      const signedOut = await server.gql(
        query,
        {},
        {
          token: payload.accessToken,
          headers: { origin: APP_ORIGIN, cookie: `${COOKIE_NAME}=${cookie}` },
        },
      );
      expect(signedOut.errors).toBeUndefined();
      expect(isClearing(refreshCookieSet(signedOut))).toBe(true);

      const after = await refreshFromCookie(cookie);
      expect(errorCode(after)).toBe('TOKEN_REVOKED');
      expect(isClearing(refreshCookieSet(after))).toBe(true);
    },
  );

  it('clears the cookie of a session an administrator revoked, with a clear code', async () => {
    const { cookie, payload } = await signInWithCookie();
    const admin = await server.loginAdmin();
    const revoked = await server.gql(
      REVOKE_USER_TOKENS,
      { userId: payload.user.id, reason: 'device lost' },
      { token: admin.accessToken },
    );
    expect(revoked.errors).toBeUndefined();
    const after = await refreshFromCookie(cookie);
    expect(after.status).toBe(401);
    expect(errorCode(after)).toBe('TOKEN_REVOKED');
    expect(after.errors?.[0]?.extensions?.reason).toBe('device lost');
    expect(isClearing(refreshCookieSet(after))).toBe(true);
  });

  it('changePassword from a page that keeps its refresh token in the cookie rotates it back into the cookie', async () => {
    const { cookie, payload } = await signInWithCookie();
    const changed = await server.gql<{ changePassword: Payload }>(
      `mutation ($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) { ${PAYLOAD} } }`,
      { current: USER_PASSWORD, next: 'a brand new passphrase for this account' },
      { token: payload.accessToken, headers: { origin: APP_ORIGIN, cookie: `${COOKIE_NAME}=${cookie}` } },
    );
    expect(changed.errors).toBeUndefined();
    expect(changed.data?.changePassword.refreshToken).toBeNull();
    const next = refreshCookieSet(changed)?.value;
    expect(next).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(next).not.toBe(cookie);
    expect((await refreshFromCookie(next ?? '')).status).toBe(200);
  });

  it('reauthenticate from a page that keeps its refresh token in the cookie rotates it back into the cookie', async () => {
    const { cookie, payload } = await signInWithCookie();
    const stepped = await server.gql<{ reauthenticate: Payload }>(
      `mutation ($password: String!) { reauthenticate(password: $password) { ${PAYLOAD} } }`,
      { password: USER_PASSWORD },
      { token: payload.accessToken, headers: { origin: APP_ORIGIN, cookie: `${COOKIE_NAME}=${cookie}` } },
    );
    expect(stepped.errors).toBeUndefined();
    expect(stepped.data?.reauthenticate.refreshToken).toBeNull();
    const next = refreshCookieSet(stepped)?.value;
    expect(next).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(next).not.toBe(cookie);
    expect((await refreshFromCookie(next ?? '')).status).toBe(200);
  });

  it('clears a cookie holding no known token', async () => {
    const unknown = await refreshFromCookie('A'.repeat(43));
    expect(errorCode(unknown)).toBe('INVALID_TOKEN');
    expect(isClearing(refreshCookieSet(unknown))).toBe(true);
  });
});

describe('two tabs refreshing with the same cookie, within REFRESH_REUSE_GRACE_SECONDS', () => {
  const server = useTestServer({ env: { CORS_ORIGINS: APP_ORIGIN, REFRESH_REUSE_GRACE_SECONDS: '30' } });

  it('answers the slower tab “superseded” and keeps the cookie the faster tab just set', async () => {
    const headers = { origin: APP_ORIGIN };
    const registered = await postGraphQL<{ register: Payload }>(
      server.url,
      REGISTER_WITH,
      { email: uniqueEmail('tabs'), password: USER_PASSWORD, delivery: 'COOKIE' },
      { headers },
    );
    const cookie = refreshCookieSet(registered)?.value ?? '';
    const withCookie = { headers: { ...headers, cookie: `${COOKIE_NAME}=${cookie}` } };
    const first = await postGraphQL(server.url, REFRESH_FROM_COOKIE, {}, withCookie);
    expect(first.status).toBe(200);
    const second = await postGraphQL(server.url, REFRESH_FROM_COOKIE, {}, withCookie);
    expect(errorCode(second)).toBe('INVALID_TOKEN');
    expect(second.errors?.[0]?.extensions?.superseded).toBe(true);
    expect(second.headers.getSetCookie()).toEqual([]);
    const next = refreshCookieSet(first)?.value ?? '';
    const third = await postGraphQL(
      server.url,
      REFRESH_FROM_COOKIE,
      {},
      {
        headers: { ...headers, cookie: `${COOKIE_NAME}=${next}` },
      },
    );
    expect(third.status).toBe(200);
  });
});
