import type { GraphQLResponse } from './support/graphql-client';
import { useTestServer } from './support/shared-server';
import { type TestServer } from './support/test-server';

// Documents built to be expensive. Each must be refused (or answered) cleanly, and within a
// ceiling far above its measured cost (tens of milliseconds) but far below what the unlimited
// work would take: 2^20 fragment expansions, say, would not finish at all.
const CEILING_MS = 2000;

const repeat = (count: number, make: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => make(i)).join(' ');

interface TimedAnswer {
  status: number;
  ms: number;
  text: string;
  errors: GraphQLResponse<unknown>['errors'];
}

async function send(server: TestServer, body: string, headers: Record<string, string> = {}): Promise<TimedAnswer> {
  const started = performance.now();
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await response.text();
  const ms = performance.now() - started;
  const { errors } = JSON.parse(text) as Pick<GraphQLResponse<unknown>, 'errors'>;
  return { status: response.status, ms, text, errors };
}

function expectCheapRefusal(answer: TimedAnswer, status: number, code: string, message?: RegExp): void {
  expect(answer.status).toBe(status);
  expect(answer.errors?.[0]?.extensions?.code).toBe(code);
  if (message) {
    expect(answer.errors?.map((error) => error.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(message)]),
    );
  }
  expect(answer.text).not.toMatch(/stacktrace|node_modules/);
  expect(answer.ms).toBeLessThan(CEILING_MS);
}

describe('in development, with the default limits', () => {
  const server = useTestServer();
  let adminToken: string;
  beforeAll(async () => {
    adminToken = (await server.loginAdmin()).accessToken;
  });

  const query = (text: string, variables: Record<string, unknown> = {}) =>
    send(server, JSON.stringify({ query: text, variables }), { authorization: `Bearer ${adminToken}` });

  it('refuses a fragment bomb (each fragment spreads the next twice, 2^20 fields) by its cost', async () => {
    const bomb = `{ me { ...F0 } } ${repeat(20, (i) => `fragment F${i} on User { ...F${i + 1} ...F${i + 1} }`)} fragment F20 on User { id }`;
    expectCheapRefusal(
      await query(bomb),
      400,
      'GRAPHQL_VALIDATION_FAILED',
      /^The query's cost is [\d.]+, over the limit of 5000 \(GRAPHQL_MAX_COST\)\.$/,
    );
  });

  it('refuses a fragment cycle', async () => {
    const cycle = '{ me { ...A } } fragment A on User { ...B } fragment B on User { ...A }';
    expectCheapRefusal(await query(cycle), 400, 'GRAPHQL_VALIDATION_FAILED', /within itself/);
  });

  it('refuses selections nested 200 levels deep by their depth', async () => {
    const deep = `{ me ${'{ id '.repeat(200)}${'}'.repeat(200)} }`;
    expectCheapRefusal(
      await query(deep),
      400,
      'GRAPHQL_VALIDATION_FAILED',
      /^The query's depth is \d+, over the limit of 10 \(GRAPHQL_MAX_DEPTH\)\.$/,
    );
  });

  it('stops validating a document that repeats one field past graphql-js work budget', async () => {
    expectCheapRefusal(await query(`{ me { ${repeat(1900, () => 'id')} } }`), 400, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('answers a document at the token limit of repeated fields once, quickly', async () => {
    const answer = await query(`{ me { ${repeat(900, (i) => (i % 2 ? 'id' : 'email'))} } }`);
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(CEILING_MS);
  });

  it('refuses an input object nested 15 000 levels deep in the variables', async () => {
    const body = `{"query":"mutation($i: RevokeTokenInput!) { revokeToken(input: $i) { jti } }","variables":{"i":${'{"a":'.repeat(15_000)}1${'}'.repeat(15_000)}}}`;
    expectCheapRefusal(await send(server, body, { authorization: `Bearer ${adminToken}` }), 400, 'BAD_USER_INPUT');
  });

  it('refuses a list nested 40 000 levels deep where an Int is expected', async () => {
    const body = `{"query":"query($n: Int) { blacklistedTokens(first: $n) { totalCount } }","variables":{"n":${'['.repeat(40_000)}${']'.repeat(40_000)}}}`;
    expectCheapRefusal(await send(server, body, { authorization: `Bearer ${adminToken}` }), 400, 'BAD_USER_INPUT');
  });

  it('refuses a 95 KB string where a short one is expected, naming the limit', async () => {
    const mutation = 'mutation($i: RevokeTokenInput!) { revokeToken(input: $i) { jti } }';
    expectCheapRefusal(await query(mutation, { i: { jti: 'j'.repeat(95_000) } }), 400, 'BAD_USER_INPUT', /at most 256/);
    expectCheapRefusal(
      await query(mutation, { i: { jti: 'abc', reason: 'r'.repeat(95_000) } }),
      400,
      'BAD_USER_INPUT',
      /at most 500/,
    );
  });

  it('ignores 8 000 variables the operation does not declare', async () => {
    const variables = Object.fromEntries(Array.from({ length: 8000 }, (_, i) => [`v${i}`, i]));
    const answer = await query('{ __typename }', variables);
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(CEILING_MS);
  });

  it('refuses a batch of 3 000 operations as one request', async () => {
    const batch = JSON.stringify(Array.from({ length: 3000 }, () => ({ query: '{ __typename }' })));
    expectCheapRefusal(await send(server, batch), 400, 'BAD_REQUEST', /batching disabled/i);
  });

  it('refuses a variable over the body limit before parsing it', async () => {
    const answer = await query('{ __typename }', { padding: 'x'.repeat(2 * 1024 * 1024) });
    expectCheapRefusal(answer, 413, 'BAD_REQUEST');
  });

  describe('cross-site "simple" requests, which a browser sends without asking first', () => {
    type SimpleRequest = { method: string; search?: string; headers?: Record<string, string>; body?: string };
    const simple = (init: SimpleRequest) =>
      fetch(`${server.url}${init.search ?? ''}`, init).then(async (response) => ({
        status: response.status,
        text: await response.text(),
      }));

    it.each<[string, SimpleRequest]>([
      ['GET with a query string', { method: 'GET', search: '?query=%7Bme%7Bid%7D%7D' }],
      [
        'POST as text/plain',
        { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ me { id } }"}' },
      ],
      [
        'POST as multipart/form-data',
        {
          method: 'POST',
          headers: { 'content-type': 'multipart/form-data; boundary=x' },
          body: '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ me { id } }\r\n--x--\r\n',
        },
      ],
    ])('%s is refused', async (_name, init) => {
      const answer = await simple({ ...init, headers: { ...init.headers, authorization: `Bearer ${adminToken}` } });
      expect(answer.status).toBe(400);
      expect(answer.text).toMatch(/preflight|content-type/i);
      expect(answer.text).not.toContain('admin@');
    });

    it('a mutation over GET is refused even with a preflight header', async () => {
      const response = await fetch(`${server.url}?query=${encodeURIComponent('mutation { logout { jti } }')}`, {
        headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${adminToken}` },
      });
      expect(response.status).toBe(405);
      expect((await query('{ me { id } }')).status).toBe(200);
    });
  });

  it('serves normally after all of the above', async () => {
    const answer = await query('{ me { role } }');
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('ADMIN');
  });
});

describe('in production', () => {
  const server = useTestServer({ env: { NODE_ENV: 'production' } });

  it.each([
    ['__schema', '{ __schema { types { name } } }'],
    ['__type', '{ __type(name: "User") { fields { name } } }'],
    ['__schema under an alias', '{ s: __schema { queryType { name } } }'],
    ['__schema inside a fragment', '{ ...F } fragment F on Query { __schema { queryType { name } } }'],
    ['__type on a nested field', '{ me { id __type: __typename } __type(name: "Role") { enumValues { name } } }'],
  ])('refuses introspection through %s', async (_name, text) => {
    expectCheapRefusal(await send(server, JSON.stringify({ query: text })), 400, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('still answers __typename, which is not introspection of the schema', async () => {
    const answer = await send(server, JSON.stringify({ query: '{ __typename }' }));
    expect(answer.status).toBe(200);
    expect(answer.errors).toBeUndefined();
  });
});
