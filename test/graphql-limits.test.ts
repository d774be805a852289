import { getIntrospectionQuery } from 'graphql';
import { errorCode, postGraphQL } from './support/graphql-client';
import { useTestServer } from './support/shared-server';

const repeat = (count: number, make: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => make(i)).join(' ');

/** Two operations in one HTTP request, as a batching client sends them. */
const postBatch = (url: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
  });

describe('with the default limits', () => {
  const server = useTestServer();

  it('let through the introspection query Sandbox and codegen send', async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    const response = await server.gql<{ __schema: { types: unknown[] } }>(query);
    expect(response.errors).toBeUndefined();
    expect(response.data?.__schema.types.length).toBeGreaterThan(10);
  });

  it('refuses more aliases than GRAPHQL_MAX_ALIASES', async () => {
    const within = await server.gql(`{ ${repeat(15, (i) => `a${i}: me { id }`)} }`);
    expect(errorCode(within)).toBe('UNAUTHENTICATED');
    const response = await server.gql(`{ ${repeat(16, (i) => `a${i}: me { id }`)} }`);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.errors?.[0]?.message).toBe(
      "The query's alias count is 16, over the limit of 15 (GRAPHQL_MAX_ALIASES).",
    );
  });

  it('refuses a document of more than GRAPHQL_MAX_TOKENS tokens before parsing it all', async () => {
    const response = await server.gql(`{ ${repeat(2100, () => '__typename')} }`);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('GRAPHQL_PARSE_FAILED');
    expect(response.errors?.[0]?.message).toBe(
      'The document has more than 2000 tokens, the limit (GRAPHQL_MAX_TOKENS).',
    );
  });

  it('refuses more directives than GRAPHQL_MAX_DIRECTIVES', async () => {
    const response = await server.gql(`{ __typename ${repeat(21, () => '@include(if: true)')} }`);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.errors?.[0]?.message).toBe(
      "The query's directive count is 21, over the limit of 20 (GRAPHQL_MAX_DIRECTIVES).",
    );
  });

  it('refuses a body larger than GRAPHQL_MAX_BODY_BYTES with 413', async () => {
    const response = await server.gql('{ __typename }', { padding: 'x'.repeat(110 * 1024) });
    expect(response.status).toBe(413);
    expect(errorCode(response)).toBe('BAD_REQUEST');
  });

  it('refuses batched operations unless GRAPHQL_BATCHING is on', async () => {
    const response = await postBatch(server.url);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/batching/i);
  });

  it('keeps CSRF prevention on: a simple cross-site request is refused', async () => {
    const form = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(form.status).toBe(400);
    const get = await fetch(`${server.url}?query=${encodeURIComponent('{ __typename }')}`);
    expect(get.status).toBe(400);
    expect(await get.text()).toMatch(/CSRF/);
    const withHeader = await fetch(`${server.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(withHeader.status).toBe(200);
  });
});

describe('with limits configured lower', () => {
  const server = useTestServer({
    env: { GRAPHQL_MAX_DEPTH: '3', GRAPHQL_MAX_COST: '50', GRAPHQL_MAX_BODY_BYTES: '2048', GRAPHQL_BATCHING: 'true' },
  });

  it('refuses a query nested deeper than GRAPHQL_MAX_DEPTH', async () => {
    const admin = await server.loginAdmin();
    const shallow = await server.gql('{ blacklistedTokens { totalCount } }', {}, { token: admin.accessToken });
    expect(shallow.errors).toBeUndefined();
    const deep = await server.gql('{ blacklistedTokens { edges { node { jti } } } }', {}, { token: admin.accessToken });
    expect(deep.status).toBe(400);
    expect(errorCode(deep)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(deep.errors?.[0]?.message).toBe("The query's depth is 4, over the limit of 3 (GRAPHQL_MAX_DEPTH).");
  });

  it('refuses a query costlier than GRAPHQL_MAX_COST', async () => {
    const response = await server.gql(`{ ${repeat(10, (i) => `a${i}: me { id email role disabled createdAt }`)} }`);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
    // Named as the limit it is, never as a "Syntax Error".
    expect(response.errors?.[0]?.message).toMatch(
      /^The query's cost is \d+(\.\d+)?, over the limit of 50 \(GRAPHQL_MAX_COST\)\.$/,
    );
  });

  it('takes GRAPHQL_MAX_BODY_BYTES', async () => {
    const response = await server.gql('{ __typename }', { padding: 'x'.repeat(3000) });
    expect(response.status).toBe(413);
    expect(response.errors?.[0]?.message).toContain('2048 bytes');
  });

  it('answers batched operations when GRAPHQL_BATCHING is on', async () => {
    const response = await postBatch(server.url);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([{ data: { __typename: 'Query' } }, { data: { __typename: 'Query' } }]);
  });
});

describe('in production', () => {
  const server = useTestServer({ env: { NODE_ENV: 'production' } });

  it('gives no field suggestions that would map the schema', async () => {
    const response = await postGraphQL(server.url, '{ blacklistedToken { totalCount } }');
    expect(response.status).toBe(400);
    expect(response.text).not.toMatch(/Did you mean/);
    expect(response.text).not.toContain('blacklistedTokens');
  });

  it('refuses introspection', async () => {
    const response = await server.gql('{ __schema { queryType { name } } }');
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
