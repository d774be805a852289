import { freePort } from '../support/free-port';
import { decodeJwtPart } from '../support/forge';
import { mintAccessTokens } from '../support/instances';
import { REVOKE_SESSION, REVOKE_TOKEN } from '../support/operations';
import { fetchCheckedList, mustStatusOf } from '../support/status-lists';
import type { TestServer } from '../support/test-server';
import { useInstances } from '../support/use-instances';
import { percentile, waitFor } from '../support/wait';

// One issuer for both, as behind a load balancer: A's address stands for it.
let issuer = '';
const env = () => ({ JWT_ALGORITHM: 'ES256', JWT_ISSUER: issuer, STATUS_LIST_SIZE: '16384' });
const {
  instances,
  servers: [a, b],
} = useInstances(
  async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    return { port, env: env() };
  },
  () => ({ env: env() }),
);

const entryOf = (token: string) => {
  const { uri, idx } = mustStatusOf(token);
  return `${uri}#${idx}`;
};
/** The list as `on` serves it, at the path the token's uri names. */
const statusOn = async (on: TestServer, token: string) => {
  const { uri, idx } = mustStatusOf(token);
  const jwks = `${on.baseUrl}/.well-known/jwks.json`;
  const list = await fetchCheckedList(uri, jwks, on.clock.now(), uri.replace(issuer, on.baseUrl));
  return list.statuses[idx];
};

it('two instances issuing at once never share an index, and their indices follow no order', async () => {
  const [onA, onB] = await Promise.all([a.register(), b.register()]);
  const [fromA, fromB] = await Promise.all([mintAccessTokens(a.url, onA, 60), mintAccessTokens(b.url, onB, 60)]);
  const all = [...fromA, ...fromB];
  expect(new Set(all.map(entryOf)).size).toBe(all.length);
  // Both draw from the one list with room: the herd stays together.
  expect(new Set(all.map((token) => mustStatusOf(token).uri)).size).toBe(1);
  for (const tokens of [fromA, fromB]) {
    const indices = tokens.map((token) => mustStatusOf(token).idx);
    const ascending = indices.every((idx, i) => i === 0 || idx > (indices[i - 1] ?? -1));
    expect(ascending).toBe(false);
  }
  // A third instance, started later (as after a restart), hands out none of them again.
  const c = await instances.start({ env: env() });
  const onC = await c.register();
  const fromC = await mintAccessTokens(c.url, onC, 20);
  const entries = [...all, onA.accessToken, onB.accessToken, onC.accessToken, ...fromC].map(entryOf);
  expect(new Set(entries).size).toBe(entries.length);
});

it('a revocation on A shows at once on A, and on B within the propagation bound', async () => {
  const admin = await a.loginAdmin();
  const lags: number[] = [];
  for (let i = 0; i < 8; i += 1) {
    const user = await b.register();
    const bystander = await b.register();
    expect(await statusOn(b, user.accessToken)).toBe(0);
    const revoke =
      i % 2 === 0
        ? a.gql(
            REVOKE_TOKEN,
            { input: { jti: String(decodeJwtPart(user.accessToken, 1).jti) } },
            { token: admin.accessToken },
          )
        : a.gql(REVOKE_SESSION, { id: String(decodeJwtPart(user.accessToken, 1).sid) }, { token: admin.accessToken });
    expect((await revoke).errors).toBeUndefined();
    const answered = performance.now();
    expect(await statusOn(a, user.accessToken)).toBe(1);
    // REVOCATION_MAX_STALENESS_MS, 2 s by default, bounds how late B may learn of it.
    await waitFor(async () => (await statusOn(b, user.accessToken)) === 1, 2000, 'bit on B');
    lags.push(performance.now() - answered);
    expect(await statusOn(b, bystander.accessToken)).toBe(0);
  }
  expect(percentile(lags, 99)).toBeLessThan(2000);
});
