import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createVerifier, VerifierError, type Verifier } from '../src';
import { decodeJwtPart, forgeEs256Jwt, forgeJwt } from '../../../test/support/forge';
import { REVOCATION_KINDS } from '../../../test/support/revocation-kinds';
import { useTestServer } from '../../../test/support/shared-server';
import { StreamTap } from '../../../test/support/stream-tap';
import { TestClock } from '../../../test/support/test-clock';
import { startTestServer } from '../../../test/support/test-server';
import { freePort } from '../../../test/support/free-port';
import { waitFor } from '../../../test/support/wait';

const CLIENT = { id: 'orders-api', secret: 'an-orders-api-secret-of-at-least-32-chars' };
/** A plain-name issuer (status lists need a URL one, hence off), so that a hop in between can carry the traffic. */
const ES256 = { JWT_ALGORITHM: 'ES256', STATUS_LIST: 'off', OAUTH_CLIENTS: `${CLIENT.id}:${CLIENT.secret}` };
const server = useTestServer({ env: ES256 });

const options = (issuer: string, extra: Record<string, unknown> = {}) => ({
  issuer,
  clientId: CLIENT.id,
  clientSecret: CLIENT.secret,
  startupTimeoutSeconds: 5,
  ...extra,
});

/** The code `verify` refused with, or 'accepted'. */
async function outcome(verifier: Verifier, token: string): Promise<string> {
  try {
    await verifier.verify(token);
    return 'accepted';
  } catch (error) {
    if (error instanceof VerifierError) return error.code;
    throw error;
  }
}

async function refusal(verifier: Verifier, token: string): Promise<VerifierError> {
  const error = await verifier.verify(token).then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof VerifierError)) throw new Error(`expected a VerifierError, got ${String(error)}`);
  return error;
}

describe('createVerifier', () => {
  it.each([
    [{ issuer: 'not a url' }, /option "issuer"/],
    [{ issuer: 'ftp://auth.example.com' }, /option "issuer"/],
    [{ clientId: '' }, /option "clientId"/],
    [{ clientSecret: 42 }, /option "clientSecret"/],
    [{ maxStalenessSeconds: -1 }, /option "maxStalenessSeconds"/],
    [{ startupTimeoutSeconds: Number.NaN }, /option "startupTimeoutSeconds"/],
    [{ logger: { warn: 'loud' } }, /option "logger.warn"/],
    [{ maxStaleness: 5 }, /unknown option "maxStaleness"/],
  ])('rejects %j, naming the option', async (bad, message) => {
    await expect(createVerifier({ ...options(server.baseUrl), ...bad } as never)).rejects.toThrow(message);
  });

  it('refuses an HS256 service at once, naming JWT_ALGORITHM=ES256', async () => {
    const hmac = await startTestServer({ env: { OAUTH_CLIENTS: `${CLIENT.id}:${CLIENT.secret}` } });
    try {
      const started = performance.now();
      await expect(createVerifier(options(hmac.baseUrl, { startupTimeoutSeconds: 20 }))).rejects.toThrow(
        /HS256.*JWT_ALGORITHM=ES256/s,
      );
      expect(performance.now() - started).toBeLessThan(5000);
    } finally {
      await hmac.stop();
    }
  });

  it('refuses at once when the service refuses the client, naming it', async () => {
    const started = performance.now();
    await expect(
      createVerifier(options(server.baseUrl, { clientSecret: 'wrong-secret', startupTimeoutSeconds: 20 })),
    ).rejects.toThrow(/refused client "orders-api".*401/s);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('accepts a service whose JWT_ISSUER is its URL, and refuses one that names another issuer', async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const named = await startTestServer({
      port,
      env: { JWT_ALGORITHM: 'ES256', JWT_ISSUER: issuer, OAUTH_CLIENTS: `${CLIENT.id}:${CLIENT.secret}` },
    });
    try {
      const verifier = await createVerifier(options(issuer));
      try {
        const user = await named.register();
        expect(await verifier.verify(user.accessToken)).toMatchObject({ iss: issuer });
        expect(await outcome(verifier, (await server.register()).accessToken)).toBe('INVALID_TOKEN');
      } finally {
        await verifier.close();
      }
      // Reached at another address, the service still names its own URL: refused at once, not retried.
      const tap = await StreamTap.start(issuer);
      try {
        const started = performance.now();
        await expect(createVerifier(options(tap.baseUrl, { startupTimeoutSeconds: 20 }))).rejects.toThrow(
          `names the issuer ${issuer}, not ${tap.baseUrl}/`,
        );
        expect(performance.now() - started).toBeLessThan(5000);
      } finally {
        await tap.close();
      }
    } finally {
      await named.stop();
    }
  });

  it('rejects after startupTimeoutSeconds when the service cannot be reached', async () => {
    const nothing = createServer((_req, res) => res.socket?.destroy());
    await new Promise<void>((resolve) => nothing.listen(0, '127.0.0.1', resolve));
    const { port } = nothing.address() as { port: number };
    try {
      const started = performance.now();
      await expect(createVerifier(options(`http://127.0.0.1:${port}`, { startupTimeoutSeconds: 1 }))).rejects.toThrow(
        /could not reach the service at http:\/\/127\.0\.0\.1:\d+\/ within 1 s/,
      );
      const took = performance.now() - started;
      expect(took).toBeGreaterThanOrEqual(900);
      expect(took).toBeLessThan(3000);
    } finally {
      await new Promise((resolve) => nothing.close(resolve));
    }
  });
});

describe('verify', () => {
  let verifier: Verifier;
  beforeAll(async () => {
    verifier = await createVerifier(options(server.baseUrl));
  });
  afterAll(() => verifier.close());

  it('accepts a fresh token and answers its claims, the header kid among them', async () => {
    const user = await server.register();
    const claims = await verifier.verify(user.accessToken);
    const payload = decodeJwtPart(user.accessToken, 1);
    expect(claims).toMatchObject({
      sub: payload.sub,
      sid: payload.sid,
      jti: payload.jti,
      role: 'USER',
      iat: payload.iat,
      exp: payload.exp,
      kid: decodeJwtPart(user.accessToken, 0).kid,
    });
    expect(await verifier.verify(user.accessToken)).toBe(claims);
    expect(verifier.status()).toMatchObject({ synced: true, current: true, connected: true, trouble: null });
  });

  it.each(REVOCATION_KINDS.map((kind) => [kind.name, kind] as const))(
    'refuses a token once %s has answered, with its reason, and leaves others alone',
    async (_name, kind) => {
      const { refused, reason, kept } = await kind.revoke(server, CLIENT);
      await waitFor(async () => (await outcome(verifier, refused)) === 'TOKEN_REVOKED', 1000, 'refused');
      const error = await refusal(verifier, refused);
      expect(error.reason).toBe(reason);
      expect(error.status).toBe(401);
      expect(await outcome(verifier, kept)).toBe('accepted');
    },
  );

  it('refuses tokens it cannot trust as INVALID_TOKEN: forged, alg none, HS/ES confusion, unknown kid, garbage', async () => {
    const user = await server.register();
    const header = decodeJwtPart(user.accessToken, 0);
    const payload = decodeJwtPart(user.accessToken, 1);
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const jwks = (await (await fetch(`${server.baseUrl}/.well-known/jwks.json`)).json()) as { keys: object[] };
    const tokens = [
      forgeEs256Jwt(header, payload, stranger),
      forgeJwt({ ...header, alg: 'none' }, payload, null),
      forgeJwt({ ...header, alg: 'HS256' }, payload, JSON.stringify(jwks.keys[0])),
      forgeEs256Jwt({ ...header, kid: 'no-such-key' }, payload, stranger),
      forgeEs256Jwt({ ...header, typ: 'JWT' }, payload, stranger),
      `${user.accessToken.slice(0, -4)}AAAA`,
      'not.a.jwt',
      'x'.repeat(9000),
      '',
    ];
    for (const token of tokens) expect(await outcome(verifier, token)).toBe('INVALID_TOKEN');
    expect(await outcome(verifier, user.accessToken)).toBe('accepted');
  });

  it('refuses a token meant for another audience as INVALID_TOKEN', async () => {
    const ordersOnly = await createVerifier(options(server.baseUrl, { audience: 'orders-api' }));
    try {
      const user = await server.register();
      expect(decodeJwtPart(user.accessToken, 1).aud).not.toBe('orders-api');
      expect(await outcome(ordersOnly, user.accessToken)).toBe('INVALID_TOKEN');
      expect(await outcome(verifier, user.accessToken)).toBe('accepted');
    } finally {
      await ordersOnly.close();
    }
  });

  it('refuses an expired token as TOKEN_EXPIRED, first seen and known', async () => {
    // A service whose clock runs 16 minutes behind issues tokens that expired a minute ago.
    const clock = new TestClock();
    clock.advance(-16 * 60_000);
    const late = await startTestServer({ clock, env: ES256 });
    try {
      const lateVerifier = await createVerifier(options(late.baseUrl));
      try {
        const user = await late.register();
        expect(await outcome(lateVerifier, user.accessToken)).toBe('TOKEN_EXPIRED');
        // Now 898 s behind: a token of 900 s expires two seconds from now, after it was verified once.
        clock.advance(16 * 60_000 - 898_000);
        const shortLived = await late.register();
        expect(await outcome(lateVerifier, shortLived.accessToken)).toBe('accepted');
        await waitFor(
          async () => (await outcome(lateVerifier, shortLived.accessToken)) === 'TOKEN_EXPIRED',
          3500,
          'expired',
          50,
        );
      } finally {
        await lateVerifier.close();
      }
    } finally {
      await late.stop();
    }
  });
});

describe('the stream', () => {
  let tap: StreamTap;
  beforeEach(async () => {
    tap = await StreamTap.start(server.baseUrl);
  });
  afterEach(() => tap.close());

  it('resumes by Last-Event-ID after a disconnect, receiving what it missed and not the state', async () => {
    const verifier = await createVerifier(options(tap.baseUrl));
    try {
      const first = tap.streams[0];
      const user = await server.register();
      tap.goDown();
      const [revokeToken] = REVOCATION_KINDS;
      if (revokeToken === undefined) throw new Error('no revocation kinds');
      const { refused } = await revokeToken.revoke(server, CLIENT);
      tap.comeBack();
      await waitFor(
        async () => (await outcome(verifier, refused)) === 'TOKEN_REVOKED',
        5000,
        'refused after the resume',
      );
      const resumed = tap.streams.at(-1);
      expect(resumed?.lastEventId).toBe(String((verifier.status().version ?? 0) - 1));
      expect(resumed?.bytes).toBeLessThan((first?.bytes ?? 0) + 2000);
      expect(await outcome(verifier, user.accessToken)).toBe('accepted');
    } finally {
      await verifier.close();
    }
  });

  it('treats a malformed event as an outage: reconnects, and never takes it for "nothing revoked"', async () => {
    const verifier = await createVerifier(options(tap.baseUrl, { maxStalenessSeconds: 1 }));
    try {
      const user = await server.register();
      tap.inject('event: revocation\ndata: {"version":"soon"}\n\n');
      await waitFor(() => verifier.status().trouble === 'a malformed revocation event', 2000, 'trouble reported');
      await waitFor(() => tap.streams.length === 2, 3000, 'reconnected');
      await waitFor(async () => (await outcome(verifier, user.accessToken)) === 'accepted', 3000, 'current again');
      tap.inject('event: heartbeat\ndata: {"version":999999999,"current":true,"timeMs":0}\n\n');
      await waitFor(() => tap.streams.length === 3, 3000, 'reconnected after a heartbeat from the future');
    } finally {
      await verifier.close();
    }
  });

  it('reconnects after a stream cut in the middle of the state, and syncs from the whole state again', async () => {
    tap.cutNextStreamAfter(40);
    const verifier = await createVerifier(options(tap.baseUrl));
    try {
      expect(tap.streams.length).toBeGreaterThanOrEqual(2);
      expect(tap.streams[1]?.lastEventId).toBeNull();
      expect(verifier.status()).toMatchObject({ synced: true, current: true });
    } finally {
      await verifier.close();
    }
  });

  it('answers SERVICE_UNAVAILABLE once the state is not proven current for maxStalenessSeconds, and recovers', async () => {
    const verifier = await createVerifier(options(tap.baseUrl, { maxStalenessSeconds: 1 }));
    try {
      const user = await server.register();
      tap.goDown();
      const downAt = performance.now();
      const sinceProof = verifier.status().stalenessMs ?? 0;
      expect(await outcome(verifier, user.accessToken)).toBe('accepted');
      await waitFor(async () => (await outcome(verifier, user.accessToken)) === 'SERVICE_UNAVAILABLE', 3000, 'stale');
      const staleAfter = performance.now() - downAt;
      // Not before the bound: 1 s after the last proof, which came up to a heartbeat before the outage.
      expect(staleAfter).toBeGreaterThanOrEqual(1000 - sinceProof - 20);
      expect(verifier.status()).toMatchObject({ synced: true, current: false, connected: false });
      // Backoff from 100 ms, capped by the stream's retry: 1000: a handful of attempts, not a hot loop.
      const attemptsBefore = tap.connections;
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const attempts = tap.connections - attemptsBefore;
      expect(attempts).toBeGreaterThanOrEqual(1);
      expect(attempts).toBeLessThanOrEqual(4);
      tap.comeBack();
      const recovered = await waitFor(
        async () => (await outcome(verifier, user.accessToken)) === 'accepted',
        5000,
        'current again',
      );
      // The next attempt within the 1 s cap, then the state resumed and a heartbeat (every 500 ms).
      expect(recovered).toBeLessThan(2500);
      expect(verifier.status().reconnects).toBeGreaterThanOrEqual(attempts);
    } finally {
      await verifier.close();
    }
  });
});

describe('express()', () => {
  let verifier: Verifier;
  let tap: StreamTap;
  let api: Server;
  let apiUrl: string;
  beforeAll(async () => {
    tap = await StreamTap.start(server.baseUrl);
    verifier = await createVerifier(options(tap.baseUrl, { maxStalenessSeconds: 1 }));
    const middleware = verifier.express();
    api = createServer((req, res) =>
      middleware(req, res, () => res.end(JSON.stringify((req as unknown as { auth: unknown }).auth))),
    );
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await verifier.close();
    await new Promise((resolve) => api.close(resolve));
    await tap.close();
  });

  const call = (authorization?: string) =>
    fetch(apiUrl, { headers: authorization === undefined ? {} : { authorization } });

  it('answers 401 with a bare Bearer challenge without a token, and invalid_request for garbage', async () => {
    const none = await call();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    for (const garbage of ['Bearer', 'Basic abc', 'Bearer a b', 'bearer\ttoken', 'Bearer ' + 'x'.repeat(10)]) {
      const response = await call(garbage);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="(invalid_request|invalid_token)"/);
    }
  });

  it('sets req.auth for a valid token, and refuses a revoked one with invalid_token, its code and reason', async () => {
    const user = await server.register();
    const accepted = await call(`Bearer ${user.accessToken}`);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ sub: decodeJwtPart(user.accessToken, 1).sub });
    await server.gql('mutation { logout { jti } }', {}, { token: user.accessToken });
    await waitFor(async () => (await call(`Bearer ${user.accessToken}`)).status === 401, 1000, 'refused');
    const refused = await call(`Bearer ${user.accessToken}`);
    expect(refused.headers.get('www-authenticate')).toBe(
      'Bearer error="invalid_token", error_description="The token was revoked: logged out"',
    );
    expect(await refused.json()).toEqual({
      error: 'TOKEN_REVOKED',
      message: 'The token was revoked: logged out',
      reason: 'logged out',
    });
  });

  it('answers 503 with Retry-After while the state is stale', async () => {
    const user = await server.register();
    tap.goDown();
    try {
      await waitFor(async () => (await call(`Bearer ${user.accessToken}`)).status === 503, 3000, 'stale');
      const stale = await call(`Bearer ${user.accessToken}`);
      expect(stale.headers.get('retry-after')).toBe('2');
      expect(await stale.json()).toMatchObject({ error: 'SERVICE_UNAVAILABLE' });
    } finally {
      tap.comeBack();
    }
    await waitFor(async () => (await call(`Bearer ${user.accessToken}`)).status === 200, 5000, 'current again');
  });
});
