import { backgroundJobOf } from '../bench/background-statements';
import { KEY_POLL_INTERVAL_MS } from '../src/services';
import { errorCode, postGraphQL } from './support/graphql-client';
import { claimsOf } from './support/instances';
import { LOGOUT, LOGOUT_ALL, ME, REVOKE_TOKEN } from './support/operations';
import { StatementTap } from './support/statement-tap';
import { createTestDatabase } from './support/test-database';
import { startTestServer, type TestServer } from './support/test-server';
import { waitFor } from './support/wait';
import { connectLive } from './support/ws-client';

// "The check costs three map lookups and no database round trip" (README): every statement the
// service sends is counted where it enters the database while authenticated requests of every
// kind are served on the mirror. None may be sent but those of the background jobs, and those no
// more often than the jobs run. The same file runs on PGlite (npm test) and PostgreSQL (test:pg).

const CLIENT_ID = 'resource-api';
const CLIENT_SECRET = 'a-client-secret-of-at-least-32-characters';

let tap: StatementTap;
let server: TestServer;
beforeAll(async () => {
  tap = new StatementTap();
  server = await startTestServer({
    env: { REVOCATION_CHECK: 'mirror', OAUTH_CLIENTS: `${CLIENT_ID}:${CLIENT_SECRET}` },
    ...(await tap.route(await createTestDatabase())),
  });
});
afterAll(async () => {
  await server.stop();
  await tap.close();
});

/** How often each statement was sent, by the start of its text. */
function tally(texts: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const text of texts) {
    const start = text.replace(/\s+/g, ' ').trim().slice(0, 160);
    counts[start] = (counts[start] ?? 0) + 1;
  }
  return counts;
}

/** Item `i` of `list`, round and round. */
const nth = <T>(list: T[], i: number): T => list[i % list.length] as T;

/** Runs `jobs` `width` at a time. */
async function inParallel(jobs: Array<() => Promise<void>>, width: number): Promise<void> {
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await job();
    }),
  );
}

const introspect = async (token: string) => {
  const response = await fetch(`${server.baseUrl}/oauth/introspect`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }).toString(),
  });
  return ((await response.json()) as { active: boolean }).active;
};

it('the tap sees the statements of a request that needs the database', async () => {
  const user = await server.register();
  const before = tap.sent.length;
  for (let i = 0; i < 5; i += 1) expect((await server.gql(ME, {}, { token: user.accessToken })).errors).toBeUndefined();
  const sent = tap.sent.slice(before).filter((text) => backgroundJobOf(text) === null);
  expect(sent.length).toBeGreaterThanOrEqual(5);
});

it('serves authenticated requests on the mirror without a statement beyond the reconcile, the key poll, the audit sealer and the mail poll', async () => {
  const admin = await server.loginAdmin();
  const valid = await Promise.all([server.register(), server.register(), server.register()]);
  const [byJti, bySession, byUser] = await Promise.all([server.register(), server.register(), server.register()]);
  const revocations = [
    server.gql(
      REVOKE_TOKEN,
      { input: { jti: claimsOf(byJti.accessToken).jti, reason: 'leaked' } },
      { token: admin.accessToken },
    ),
    server.gql(LOGOUT, {}, { token: bySession.accessToken }),
    server.gql(LOGOUT_ALL, {}, { token: byUser.accessToken }),
  ];
  for (const revoked of await Promise.all(revocations)) expect(revoked.errors).toBeUndefined();
  const refused = [
    { token: byJti.accessToken, reason: 'leaked' },
    { token: bySession.accessToken, reason: 'logged out' },
    { token: byUser.accessToken, reason: 'logged out everywhere' },
  ];
  await waitFor(() => server.server.services.revocationCheck.status().synced, 10_000, 'the mirror in sync');

  const validTokens = valid.map((user) => user.accessToken);
  const jobs: Array<() => Promise<void>> = [];
  for (let i = 0; i < 150; i += 1) {
    const token = nth(validTokens, i);
    jobs.push(async () => {
      const answer = await postGraphQL<{ __typename: string }>(server.url, '{ __typename }', {}, { token });
      expect([answer.status, answer.data?.__typename]).toEqual([200, 'Query']);
    });
  }
  for (let i = 0; i < 60; i += 1) {
    const { token, reason } = nth(refused, i);
    jobs.push(async () => {
      const answer = await postGraphQL(server.url, '{ __typename }', {}, { token });
      expect([errorCode(answer), answer.errors?.[0]?.extensions?.reason]).toEqual(['TOKEN_REVOKED', reason]);
    });
  }
  for (let i = 0; i < 15; i += 1) {
    jobs.push(async () => expect(await introspect(nth(validTokens, i))).toBe(true));
    jobs.push(async () => expect(await introspect(nth(refused, i).token)).toBe(false));
  }
  for (let i = 0; i < 10; i += 1) {
    jobs.push(async () => {
      const live = connectLive(server.url, { token: nth(validTokens, i) });
      await live.connected;
      await live.dispose();
    });
    jobs.push(async () => {
      const live = connectLive(server.url, { token: nth(refused, i).token });
      expect((await live.closed).code).toBe(4403);
    });
  }

  const before = tap.sent.length;
  const started = performance.now();
  await inParallel(jobs, 8);
  const elapsedMs = performance.now() - started;
  const sent = tap.sent.slice(before);

  const reconciles = sent.filter((text) => backgroundJobOf(text) === 'reconcile').length;
  const keyPolls = sent.filter((text) => backgroundJobOf(text) === 'key poll').length;
  console.log(
    `${jobs.length} authenticated requests on the mirror in ${elapsedMs.toFixed(0)} ms: ${sent.length} statements ` +
      `(${reconciles} reconcile, ${keyPolls} key poll) on ${server.database.target.kind}`,
  );
  expect(tally(sent.filter((text) => backgroundJobOf(text) === null))).toEqual({});
  // One of each may have been under way when the requests began.
  expect(reconciles).toBeLessThanOrEqual(Math.floor(elapsedMs / server.config.logReadIntervalMs) + 1);
  expect(keyPolls).toBeLessThanOrEqual(Math.floor(elapsedMs / KEY_POLL_INTERVAL_MS) + 1);
});
