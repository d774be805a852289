import { LOGIN } from './support/operations';
import { postOnNewConnection } from './support/raw-http';
import { useTestServer } from './support/shared-server';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './support/test-server';

const server = useTestServer();

const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(server.url, { method: 'POST', headers, body });

it('answers liveness and readiness', async () => {
  expect(await (await fetch(`${server.baseUrl}/healthz`)).json()).toEqual({ status: 'ok' });
  const ready = await fetch(`${server.baseUrl}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ready' });
});

it.each([
  ['a body that is not JSON', () => post('{"query": '), 400, 'BAD_REQUEST'],
  [
    'a body over 100 KB',
    () => post(JSON.stringify({ query: `{ __typename } #${'x'.repeat(110 * 1024)}` })),
    413,
    'BAD_REQUEST',
  ],
  ['a query that does not parse', () => post(JSON.stringify({ query: '{ me {' })), 400, 'GRAPHQL_PARSE_FAILED'],
  ['a field that does not exist', () => post(JSON.stringify({ query: '{ nope }' })), 400, 'GRAPHQL_VALIDATION_FAILED'],
  [
    'a variable of the wrong type',
    () =>
      post(
        JSON.stringify({
          query: 'query($n: Int) { blacklistedTokens(first: $n) { totalCount } }',
          variables: { n: 'ten' },
        }),
      ),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'a form post (CSRF)',
    () => post('query={__typename}', { 'content-type': 'application/x-www-form-urlencoded' }),
    400,
    'BAD_REQUEST',
  ],
])('refuses %s with a clear JSON error and no stack trace', async (_name, send, status, code) => {
  const response = await send();
  expect(response.status).toBe(status);
  const text = await response.text();
  expect(text).not.toMatch(/stacktrace|node_modules|\.ts:\d+/);
  const body = JSON.parse(text) as { errors: Array<{ extensions: { code: string } }> };
  expect(body.errors[0]?.extensions.code).toBe(code);
});

it('answers a client that shuts down its sending side once its request is out', async () => {
  // A sign-in hashes in the thread pool, so the client's end of sending reaches the server before
  // the answer is ready, as a database round trip would on PostgreSQL.
  const body = JSON.stringify({ query: LOGIN, variables: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  const delivery = await postOnNewConnection(Number(new URL(server.baseUrl).port), body);
  expect(delivery).toMatchObject({ kind: 'answered', status: 200 });
  const answer = JSON.parse(delivery.kind === 'answered' ? delivery.body : '{}') as { data?: { login?: unknown } };
  expect(answer.data?.login).toBeDefined();
});

it('still serves after all of the above', async () => {
  const response = await server.gql<{ __typename: string }>('{ __typename }');
  expect(response.data?.__typename).toBe('Query');
});
