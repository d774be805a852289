import { join } from 'node:path';
import { runAdminCli } from '../support/admin-cli';
import { decodeJwtPart } from '../support/forge';
import { REVOKE_TOKEN, ROTATE_SIGNING_KEY, type AuthPayloadData } from '../support/operations';
import { REVOCATION_KINDS } from '../support/revocation-kinds';
import { Instances } from '../support/instances';
import { TEST_JWT_SECRET, type TestServer } from '../support/test-server';
import { useInstances } from '../support/use-instances';
import { callApi, runResourceApi, stopResourceApi, type ResourceApiProcess } from '../support/verifier-package';
import { percentile, waitFor } from '../support/wait';

/** examples/resource-api, compiled against the workspace's verifier by the test run's global setup. */
const RESOURCE_API = join(__dirname, '..', '..', 'examples', 'resource-api', 'dist', 'main.js');
const CLIENT = { id: 'orders-api', secret: 'an-orders-api-secret-of-at-least-32-chars' };
const env = {
  JWT_ALGORITHM: 'ES256',
  // Two instances on two ports have no one URL to be JWT_ISSUER, which status lists need.
  STATUS_LIST: 'off',
  OAUTH_CLIENTS: `${CLIENT.id}:${CLIENT.secret}`,
  SIGNING_KEY_PUBLISH_SECONDS: '10',
};

async function startApi(issuer: string, maxStalenessSeconds = 5): Promise<ResourceApiProcess & { url: string }> {
  const api = runResourceApi(RESOURCE_API, {
    issuer,
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
    maxStalenessSeconds,
  });
  return { ...api, url: await api.ready };
}

const status = async (api: { url: string }, token: string) => (await callApi(`${api.url}/orders`, token)).status;

describe('a resource API streaming from instance B refuses what instance A revokes', () => {
  const {
    servers: [a, b],
  } = useInstances({ env }, { env });
  let api: ResourceApiProcess & { url: string };
  const lags: number[] = [];
  beforeAll(async () => {
    api = await startApi(b.baseUrl);
  });
  afterAll(async () => {
    await stopResourceApi(api);
    console.log(
      `revocation on A → refusal by the resource API via B: p50 ${percentile(lags, 50).toFixed(1)} ms, max ${Math.max(...lags).toFixed(1)} ms over ${lags.length}`,
    );
  });

  const kinds = REVOCATION_KINDS.filter((kind) => kind.name !== 'revokeSigningKey');
  it.each(kinds.map((kind) => [kind.name, kind] as const))('%s', async (_name, kind) => {
    const { refused, reason, kept } = await kind.revoke(a, CLIENT);
    const answeredAt = performance.now();
    await waitFor(async () => (await status(api, refused)) === 401, 1000, `${kind.name} refused`);
    lags.push(performance.now() - answeredAt);
    const refusal = await callApi(`${api.url}/orders`, refused);
    expect(refusal.body).toMatchObject({ error: 'TOKEN_REVOKED', reason });
    expect(await status(api, kept)).toBe(200);
  });

  it('accepts tokens under a rotated-in key with no restart', async () => {
    const before = await a.register();
    const admin = (await a.loginAdmin()).accessToken;
    const rotated = await a.gql<{ rotateSigningKey: { kid: string } }>(ROTATE_SIGNING_KEY, {}, { token: admin });
    const newKid = rotated.data?.rotateSigningKey.kid;
    // The new key signs once SIGNING_KEY_PUBLISH_SECONDS have passed on the instances' clocks.
    for (const instance of [a, b]) instance.clock.advance(11_000);
    const after = await a.register();
    expect(decodeJwtPart(after.accessToken, 0).kid).toBe(newKid);
    expect(decodeJwtPart(before.accessToken, 0).kid).not.toBe(newKid);
    expect((await callApi(`${api.url}/orders`, after.accessToken)).body).toEqual({ orders: [] });
    expect(await status(api, before.accessToken)).toBe(200);
  });

  it('revokeSigningKey refuses every token of the key, and accepts the key rotated in for it', async () => {
    const kind = REVOCATION_KINDS.find((each) => each.name === 'revokeSigningKey');
    if (!kind) throw new Error('no revokeSigningKey kind');
    const { refused, reason, kept } = await kind.revoke(a, CLIENT);
    await waitFor(async () => (await status(api, refused)) === 401, 1000, 'key revocation refused');
    expect((await callApi(`${api.url}/orders`, refused)).body).toMatchObject({ error: 'TOKEN_REVOKED', reason });
    expect(await status(api, kept)).toBe(200);
  });
});

describe('every instance stopped, then started again', () => {
  let instances: Instances;
  let server: TestServer;
  let api: (ResourceApiProcess & { url: string }) | undefined;
  beforeAll(async () => {
    instances = await Instances.create();
    server = await instances.start({ env });
  });
  afterAll(async () => {
    if (api) await stopResourceApi(api);
    await instances.stopAll();
  });

  it('answers valid tokens until the staleness bound, then 503 (never 200 to a token revoked meanwhile), then resumes', async () => {
    const admin = (await server.loginAdmin()).accessToken;
    // State worth resending: 300 revoked tokens.
    const tokens: AuthPayloadData[] = await Promise.all(Array.from({ length: 3 }, () => server.register()));
    for (let i = 0; i < 300; i += 1) {
      const jti = `seed-${i}-${'x'.repeat(16)}`;
      await server.gql(REVOKE_TOKEN, { input: { jti } }, { token: admin });
    }
    const [valid, doomed] = tokens as [AuthPayloadData, AuthPayloadData, AuthPayloadData];
    const resourceApi = await startApi(server.baseUrl, 2);
    api = resourceApi;
    const synced = (await callApi(`${resourceApi.url}/healthz`)).body as { bytesReceived: number; version: number };

    const port = Number(new URL(server.baseUrl).port);
    await server.stop({ drop: false });
    const downAt = performance.now();
    expect(await status(api, valid.accessToken)).toBe(200);
    await waitFor(async () => (await status(resourceApi, valid.accessToken)) === 503, 4000, 'stale');
    expect(performance.now() - downAt).toBeGreaterThanOrEqual(1500);

    const userId = String(decodeJwtPart(doomed.accessToken, 1).sub);
    const cli = await runAdminCli(
      ['revoke-user', '--user-id', userId, '--reason', 'revoked while the service was down'],
      {
        PATH: process.env.PATH ?? '',
        JWT_SECRET: TEST_JWT_SECRET,
        DATABASE_URL: instances.database.target.kind === 'postgres' ? instances.database.target.url : '',
      },
    );
    expect(cli.code).toBe(0);
    const seen: number[] = [];
    const watching = { on: true };
    const watch = (async () => {
      while (watching.on) seen.push(await status(resourceApi, doomed.accessToken));
    })();

    server = await instances.start({ env, port });
    await waitFor(async () => (await status(resourceApi, valid.accessToken)) === 200, 5000, 'current again');
    await waitFor(async () => (await status(resourceApi, doomed.accessToken)) === 401, 1000, 'revoked meanwhile');
    watching.on = false;
    await watch;
    expect(seen.filter((code) => code !== 503 && code !== 401)).toEqual([]);
    expect((await callApi(`${resourceApi.url}/orders`, doomed.accessToken)).body).toMatchObject({
      error: 'TOKEN_REVOKED',
      reason: 'revoked while the service was down',
    });

    const resumed = (await callApi(`${resourceApi.url}/healthz`)).body as { bytesReceived: number; version: number };
    const resumeBytes = resumed.bytesReceived - synced.bytesReceived;
    console.log(`first sync ${synced.bytesReceived} bytes; resume after the restart ${resumeBytes} bytes`);
    expect(resumed.version).toBeGreaterThan(synced.version);
    expect(resumeBytes).toBeLessThan(synced.bytesReceived / 4);
  });
});
