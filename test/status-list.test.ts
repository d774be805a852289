import { randomBytes } from 'node:crypto';
import { gunzipSync, inflateSync } from 'node:zlib';
import { loadConfig } from '../src/config';
import { ListBits } from '../src/revocation/status-list.bits';
import { encodeLst } from '../src/revocation/status-list.encoding';
import { freePort } from './support/free-port';
import { decodeJwtPart } from './support/forge';
import {
  LOGOUT,
  LOGOUT_ALL,
  REFRESH,
  REVOKE_SESSION,
  REVOKE_SIGNING_KEY,
  REVOKE_TOKEN,
  REVOKE_USER_TOKENS,
  ROTATE_SIGNING_KEY,
  UPDATE_USER,
  type AuthPayloadData,
} from './support/operations';
import { kidOf } from './support/signing-keys';
import { useTestServer } from './support/shared-server';
import { aggregatedLists, fetchCheckedList, mustStatusOf, rawGet, setIndices, statusOf } from './support/status-lists';
import { startTestServer } from './support/test-server';

const CLIENT = 'resource-api';
const SECRET = 'a-resource-api-secret-of-at-least-32-chars';
const TTL = 30;
const jtiOf = (token: string) => String(decodeJwtPart(token, 1).jti);
const sidOf = (token: string) => String(decodeJwtPart(token, 1).sid);

let issuer = '';
const server = useTestServer(async () => {
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  return {
    port,
    env: {
      JWT_ALGORITHM: 'ES256',
      JWT_ISSUER: issuer,
      OAUTH_CLIENTS: `${CLIENT}:${SECRET}`,
      STATUS_LIST_SIZE: '16384',
      STATUS_LIST_TTL_SECONDS: String(TTL),
    },
  };
});

const gqlOk = async <T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> => {
  const response = await server.gql<T>(query, variables, { token });
  if (response.errors || !response.data) throw new Error(JSON.stringify(response.errors));
  return response.data;
};
const refresh = async (refreshToken: string) =>
  (await gqlOk<{ refreshToken: AuthPayloadData }>(REFRESH, { refreshToken })).refreshToken;
const checked = (uri: string) => fetchCheckedList(uri, `${server.baseUrl}/.well-known/jwks.json`, server.clock.now());

describe('ES256 access tokens carry a status claim (draft §5.2)', () => {
  it('names an index and a URI under the issuer that says nothing of the holder', async () => {
    const user = await server.register();
    const status = mustStatusOf(user.accessToken);
    expect(Number.isInteger(status.idx)).toBe(true);
    expect(status.idx).toBeGreaterThanOrEqual(0);
    expect(status.idx).toBeLessThan(16384);
    expect(status.uri).toMatch(new RegExp(`^${issuer}/statuslists/[A-Za-z0-9_-]{22}$`));
    expect(status.uri).not.toContain(user.user.id);
  });

  it('gives a relying party a Status List Token it verifies with jose and reads with @sd-jwt/jwt-status-list', async () => {
    const user = await server.register();
    const { idx, uri } = mustStatusOf(user.accessToken);
    const list = await checked(uri);
    expect(list.header.typ).toBe('statuslist+jwt');
    expect(list.header.kid).toBe(kidOf(user.accessToken));
    expect(list.payload.sub).toBe(uri);
    expect(list.payload.ttl).toBe(TTL);
    const nowS = server.clock.now() / 1000;
    expect(list.payload.iat).toBeLessThanOrEqual(nowS + 1);
    // At least a whole ttl left whenever it is served.
    expect(list.payload.exp).toBeGreaterThanOrEqual(nowS + TTL - 1);
    expect(list.payload.status_list?.bits).toBe(1);
    expect(list.statuses).toHaveLength(16384);
    expect(list.statuses[idx]).toBe(0);
  });

  it('gives each token its own index, in no order', async () => {
    const user = await server.register();
    const tokens = [user.accessToken];
    let current = user;
    for (let i = 0; i < 40; i += 1) {
      current = { ...current, ...(await refresh(current.refreshToken)) };
      tokens.push(current.accessToken);
    }
    const indices = tokens.map((token) => mustStatusOf(token).idx);
    expect(new Set(indices).size).toBe(indices.length);
    const ascending = indices.every((idx, i) => i === 0 || idx > (indices[i - 1] ?? -1));
    const descending = indices.every((idx, i) => i === 0 || idx < (indices[i - 1] ?? Infinity));
    expect(ascending || descending).toBe(false);
    // Not a run of neighbours either: spread over the list.
    expect(Math.max(...indices) - Math.min(...indices)).toBeGreaterThan(16384 / 4);
  });
});

describe('every kind of revocation flips exactly the bits of the tokens the rule refuses', () => {
  /** Every token of these tests, and whether the rule refuses it now. */
  const ledger = new Map<string, boolean>();
  const issued = (...tokens: string[]) => tokens.forEach((token) => ledger.set(token, ledger.get(token) ?? false));
  const refused = (...tokens: string[]) => tokens.forEach((token) => ledger.set(token, true));
  let admin: AuthPayloadData;
  let uri = '';

  beforeAll(async () => {
    admin = await server.loginAdmin();
    uri = mustStatusOf(admin.accessToken).uri;
  });

  /** Two sessions of a victim, two tokens each, and a bystander's token: all recorded in the ledger. */
  async function victimAndBystander() {
    const victim = await server.register();
    const second = await refresh(victim.refreshToken);
    const other = await server.login(victim.user.email, victim.password);
    const bystander = await server.register();
    issued(victim.accessToken, second.accessToken, other.accessToken, bystander.accessToken);
    return { victim: { ...victim, ...second }, firstToken: victim.accessToken, other, bystander };
  }

  /**
   * Every token of the ledger has the bit the rule gives it; and, unless tokens outside the ledger
   * may be refused too (a key revocation), no other bit is set.
   */
  async function expectBits({ ledgerOnly = false } = {}): Promise<void> {
    const list = await checked(uri);
    const onThisList = [...ledger].filter(([token]) => mustStatusOf(token).uri === uri);
    for (const [token, revoked] of onThisList) {
      expect([token, list.statuses[mustStatusOf(token).idx]]).toEqual([token, revoked ? 1 : 0]);
    }
    if (ledgerOnly) return;
    const expected = onThisList.filter(([, revoked]) => revoked).map(([token]) => mustStatusOf(token).idx);
    expect(setIndices(list.statuses).sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
  }

  it('revokeToken: that token alone', async () => {
    const { victim } = await victimAndBystander();
    await gqlOk(REVOKE_TOKEN, { input: { jti: jtiOf(victim.accessToken), reason: 'lost' } }, admin.accessToken);
    refused(victim.accessToken);
    await expectBits();
  });

  it('logout: every token of the session', async () => {
    const { victim, firstToken } = await victimAndBystander();
    await gqlOk(LOGOUT, {}, victim.accessToken);
    refused(victim.accessToken, firstToken);
    await expectBits();
  });

  it('revokeSession: every token of that session, not of the other', async () => {
    const { victim, firstToken } = await victimAndBystander();
    await gqlOk(REVOKE_SESSION, { id: sidOf(victim.accessToken), reason: 'stolen laptop' }, admin.accessToken);
    refused(victim.accessToken, firstToken);
    await expectBits();
  });

  it('logoutAll: every token of the user', async () => {
    const { victim, firstToken, other } = await victimAndBystander();
    await gqlOk(LOGOUT_ALL, {}, victim.accessToken);
    refused(victim.accessToken, firstToken, other.accessToken);
    await expectBits();
  });

  it('revokeUserTokens: every token of the user', async () => {
    const { victim, firstToken, other } = await victimAndBystander();
    await gqlOk(REVOKE_USER_TOKENS, { userId: victim.user.id, reason: 'breach' }, admin.accessToken);
    refused(victim.accessToken, firstToken, other.accessToken);
    await expectBits();
  });

  it('updateUser disabling: every token of the user', async () => {
    const { victim, firstToken, other } = await victimAndBystander();
    await gqlOk(UPDATE_USER, { id: victim.user.id, disabled: true }, admin.accessToken);
    refused(victim.accessToken, firstToken, other.accessToken);
    await expectBits();
  });

  it('refresh reuse: every token of the session', async () => {
    const victim = await server.register();
    const rotated = await refresh(victim.refreshToken);
    const bystander = await server.register();
    issued(victim.accessToken, rotated.accessToken, bystander.accessToken);
    const reuse = await server.gql(REFRESH, { refreshToken: victim.refreshToken });
    expect(reuse.errors?.[0]?.extensions?.code).toBe('TOKEN_REVOKED');
    refused(victim.accessToken, rotated.accessToken);
    await expectBits();
  });

  it('/oauth/revoke: an access token alone; a refresh token, its session', async () => {
    const { victim, firstToken, other } = await victimAndBystander();
    const revoke = (token: string, hint: string) =>
      fetch(`${server.baseUrl}/oauth/revoke`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${CLIENT}:${SECRET}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token, token_type_hint: hint }).toString(),
      });
    expect((await revoke(other.accessToken, 'access_token')).status).toBe(200);
    refused(other.accessToken);
    await expectBits();
    expect((await revoke(victim.refreshToken, 'refresh_token')).status).toBe(200);
    refused(victim.accessToken, firstToken);
    await expectBits();
  });

  it('revokeSigningKey: every token that key signed, none of the next key', async () => {
    await gqlOk(ROTATE_SIGNING_KEY, {}, admin.accessToken);
    const oldKid = kidOf(admin.accessToken);
    server.clock.advance((server.config.signingKeys.publishSeconds + 1) * 1000);
    const nextAdmin = await server.loginAdmin();
    const afterRotation = await server.register();
    expect(kidOf(afterRotation.accessToken)).not.toBe(oldKid);
    issued(nextAdmin.accessToken, afterRotation.accessToken, admin.accessToken);
    await gqlOk(REVOKE_SIGNING_KEY, { kid: oldKid, reason: 'leaked' }, nextAdmin.accessToken);
    for (const token of ledger.keys()) if (kidOf(token) === oldKid) refused(token);
    // The list is signed by the new key now, and jose finds it in the JWKS. Tokens of the earlier
    // tests signed by the old key are refused too, so only the ledger's bits are checked.
    await expectBits({ ledgerOnly: true });
  });
});

describe('HTTP (draft §8)', () => {
  let uri = '';
  beforeAll(async () => {
    uri = mustStatusOf((await server.register()).accessToken).uri;
  });

  it('negotiates the content type: statuslist+jwt, wildcards and no Accept get it; anything else 406', async () => {
    for (const accept of ['application/statuslist+jwt', '*/*', 'application/*', 'text/html, */*;q=0.1']) {
      const answer = await rawGet(uri, { accept });
      expect([accept, answer.status, answer.headers['content-type']]).toEqual([
        accept,
        200,
        'application/statuslist+jwt',
      ]);
    }
    expect((await rawGet(uri)).status).toBe(200);
    for (const accept of ['application/statuslist+cwt', 'application/json', 'application/statuslist+jwt;q=0, */*']) {
      expect([accept, (await rawGet(uri, { accept })).status]).toEqual([accept, 406]);
    }
  });

  it('caches for no longer than ttl, and lets any origin GET it', async () => {
    const answer = await rawGet(uri, { origin: 'https://elsewhere.example' });
    const maxAge = Number(/max-age=(\d+)/.exec(String(answer.headers['cache-control']))?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(TTL);
    expect(answer.headers['access-control-allow-origin']).toBe('*');
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
    const preflight = await rawGet(
      uri,
      { origin: 'https://elsewhere.example', 'access-control-request-method': 'GET' },
      'OPTIONS',
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
  });

  it('gzips when asked, and only then; the event stream is never compressed', async () => {
    const plain = await rawGet(uri, { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    const zipped = await rawGet(uri, { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body).toString()).toBe(plain.body.toString());
    const events = await rawGet(`${server.baseUrl}/oauth/revocation-events`, { 'accept-encoding': 'gzip' });
    expect(events.headers['content-encoding']).toBeUndefined();
  });

  it('answers 404 for an unknown or malformed id, and 501 for ?time=', async () => {
    const base = `${server.baseUrl}/statuslists`;
    for (const id of [randomBytes(16).toString('base64url'), 'abc', `${'A'.repeat(22)}x`, '..%2Fx']) {
      expect([id, (await rawGet(`${base}/${id}`)).status]).toEqual([id, 404]);
    }
    expect((await rawGet(`${uri}?time=${Math.floor(server.clock.now() / 1000) - 60}`)).status).toBe(501);
  });

  it('is discoverable: the metadata names the aggregation endpoint, which lists the live lists', async () => {
    const metadata = (await (await fetch(`${server.baseUrl}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      string
    >;
    expect(metadata.status_list_aggregation_endpoint).toBe(`${issuer}/statuslists`);
    expect(await aggregatedLists(metadata.status_list_aggregation_endpoint ?? '')).toContain(uri);
  });
});

describe('encoding matches the draft’s own test vectors (§4.1)', () => {
  it('1 bit: [1,0,0,1,1,1,0,1,1,1,0,0,0,1,0,1] is b9 a3, the bytes of eNrbuRgAAhcBXQ', async () => {
    const bits = new ListBits(16);
    [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1].forEach((status, idx) => status === 1 && bits.set(idx));
    expect(Buffer.from(bits.bytes).toString('hex')).toBe('b9a3');
    const ours = inflateSync(Buffer.from(await encodeLst(bits.bytes), 'base64url'));
    expect(ours).toEqual(inflateSync(Buffer.from('eNrbuRgAAhcBXQ', 'base64url')));
    expect(ours.toString('hex')).toBe('b9a3');
  });

  it('2 bits: eNo76fITAAPfAgc decodes to the example statuses, and our encoder gives its bytes, read by @sd-jwt/jwt-status-list too', async () => {
    const { StatusList } = await import('@sd-jwt/jwt-status-list');
    const statuses = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3];
    expect(inflateSync(Buffer.from('eNo76fITAAPfAgc', 'base64url')).toString('hex')).toBe('c944f9');
    // The service packs one bit per token; its encoder still gives the 2-bit example's bytes back unchanged.
    const encoded = await encodeLst(Buffer.from('c944f9', 'hex'));
    expect(inflateSync(Buffer.from(encoded, 'base64url'))).toEqual(
      inflateSync(Buffer.from('eNo76fITAAPfAgc', 'base64url')),
    );
    const read = StatusList.decompressStatusList(encoded, 2);
    expect(statuses.map((_, i) => read.getStatus(i))).toEqual(statuses);
    const decoded = StatusList.decompressStatusList('eNo76fITAAPfAgc', 2);
    expect(statuses.map((_, i) => decoded.getStatus(i))).toEqual(statuses);
  });
});

describe('configuration', () => {
  const base = { JWT_ALGORITHM: 'ES256', JWT_ISSUER: 'https://auth.example.test' };
  it('fails fast naming the variable', () => {
    expect(() => loadConfig({ ...base, STATUS_LIST: 'maybe' })).toThrow(/^STATUS_LIST /);
    expect(() => loadConfig({ ...base, STATUS_LIST_TTL_SECONDS: '5' })).toThrow(/^STATUS_LIST_TTL_SECONDS /);
    expect(() => loadConfig({ ...base, STATUS_LIST_TTL_SECONDS: '3601' })).toThrow(/^STATUS_LIST_TTL_SECONDS /);
    expect(() => loadConfig({ ...base, STATUS_LIST_SIZE: '16383' })).toThrow(/^STATUS_LIST_SIZE /);
    expect(() => loadConfig({ JWT_ALGORITHM: 'ES256' })).toThrow(/^JWT_ISSUER .*STATUS_LIST=off/);
    expect(loadConfig({ JWT_ALGORITHM: 'ES256', STATUS_LIST: 'off' }).statusList.enabled).toBe(false);
    expect(loadConfig(base).statusList).toEqual({ enabled: true, ttlSeconds: 60, size: 131072 });
  });

  it('HS256 tokens and STATUS_LIST=off tokens carry no status claim', async () => {
    for (const env of [{ JWT_ISSUER: 'https://auth.example.test' }, { ...base, STATUS_LIST: 'off' }]) {
      const other = await startTestServer({ env });
      try {
        const user = await other.register();
        expect(statusOf(user.accessToken)).toBeNull();
        const metadata = (await (
          await fetch(`${other.baseUrl}/.well-known/oauth-authorization-server`)
        ).json()) as object;
        expect(metadata).not.toHaveProperty('status_list_aggregation_endpoint');
      } finally {
        await other.stop();
      }
    }
  });
});
