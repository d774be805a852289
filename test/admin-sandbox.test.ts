import { createHash } from 'node:crypto';
import { postGraphQL, type GraphQLResponse } from './support/graphql-client';
import { LOGOUT } from './support/operations';
import { useTestServer } from './support/shared-server';
import type { TestServer } from './support/test-server';
import { connectLive } from './support/ws-client';

const PRODUCTION = { NODE_ENV: 'production' };

const SCHEMA = '{ __schema { queryType { name } } }';
const TYPE = 'query Role { __type(name: "Role") { enumValues { name } } }';
const TWO_FIELDS = '{ a: __schema { queryType { name } } b: __type(name: "User") { name } __typename }';
const IN_FRAGMENT = '{ ...F } fragment F on Query { __schema { mutationType { name } } }';

/** What a refusal looks like from outside: status, body, and the headers that could tell servers apart. */
const refusalOf = (answer: GraphQLResponse<unknown>) => ({
  status: answer.status,
  errors: answer.errors,
  data: answer.data,
  authenticate: answer.headers.get('www-authenticate'),
});

const sandboxServer = useTestServer({ env: { ...PRODUCTION, ADMIN_SANDBOX: 'true' } });
const plainServer = useTestServer({ env: PRODUCTION });

async function tokens(server: TestServer) {
  const [admin, user] = await Promise.all([server.loginAdmin(), server.register()]);
  return { admin: admin.accessToken, user: user.accessToken };
}

async function openPage(server: TestServer) {
  const page = await fetch(server.url, { headers: { accept: 'text/html' } });
  return { status: page.status, headers: page.headers, html: await page.text() };
}

function expectSandboxHeaders(headers: Headers, html: string): void {
  const policy = headers.get('content-security-policy') ?? '';
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(policy).toContain("default-src 'none'");
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).not.toContain('unsafe-inline');
  expect(policy).not.toContain('unsafe-eval');
  // Every inline block of the page is allowed by its hash, and the embed's script by its origin alone.
  const inline = [...html.matchAll(/<(script|style)\b([^>]*)>([\s\S]*?)<\/\1>/g)].filter(
    ([, , attributes]) => !attributes?.includes('src='),
  );
  expect(inline.length).toBeGreaterThanOrEqual(2);
  for (const [, , , text = ''] of inline) {
    expect(policy).toContain(`'sha256-${createHash('sha256').update(text).digest('base64')}'`);
  }
  const scripts = /script-src ([^;]+)/.exec(policy)?.[1]?.split(' ') ?? [];
  expect(scripts.filter((source) => !source.startsWith("'sha256-"))).toEqual([
    'https://embeddable-sandbox.cdn.apollographql.com',
  ]);
  expect(/frame-src ([^;]+)/.exec(policy)?.[1]).toBe('https://sandbox.embed.apollographql.com');
}

describe('production with ADMIN_SANDBOX=true', () => {
  it('serves Sandbox with the administrator’s operations and headers that keep it to itself', async () => {
    const page = await openPage(sandboxServer);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.html).toContain('embeddable-sandbox');
    for (const operation of [
      'mutation SignIn',
      'query FindUsers',
      'mutation RevokeSigningKey',
      'subscription Revocations',
    ])
      expect(page.html).toContain(operation);
    expectSandboxHeaders(page.headers, page.html);
  });

  it('answers introspection to an ADMIN token', async () => {
    const { admin } = await tokens(sandboxServer);
    for (const query of [SCHEMA, TYPE, TWO_FIELDS, IN_FRAGMENT]) {
      const answer = await sandboxServer.gql<Record<string, unknown>>(query, {}, { token: admin });
      expect(answer.errors).toBeUndefined();
      expect(answer.status).toBe(200);
    }
    const schema = await sandboxServer.gql<{ __schema: { queryType: { name: string } } }>(SCHEMA, {}, { token: admin });
    expect(schema.data?.__schema.queryType.name).toBe('Query');
  });

  it('refuses anonymous callers and USER tokens exactly as a server without it, even after an administrator asked the same', async () => {
    const [sandboxTokens, plainTokens] = await Promise.all([tokens(sandboxServer), tokens(plainServer)]);
    for (const query of [SCHEMA, TYPE, TWO_FIELDS, IN_FRAGMENT]) {
      // The administrator first: a document validated for them must not be reused for the others.
      await sandboxServer.gql(query, {}, { token: sandboxTokens.admin });
      const expected = refusalOf(await plainServer.gql(query));
      expect(expected.status).toBe(400);
      expect(expected.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(refusalOf(await sandboxServer.gql(query))).toEqual(expected);
      expect(refusalOf(await sandboxServer.gql(query, {}, { token: sandboxTokens.user }))).toEqual(
        refusalOf(await plainServer.gql(query, {}, { token: plainTokens.user })),
      );
    }
  });

  it('refuses expired and revoked ADMIN tokens as any request with one', async () => {
    const admin = await sandboxServer.loginAdmin();
    expect((await sandboxServer.gql(LOGOUT, {}, { token: admin.accessToken })).errors).toBeUndefined();
    const revoked = await sandboxServer.gql(SCHEMA, {}, { token: admin.accessToken });
    expect(revoked.status).toBe(401);
    expect(revoked.errors?.[0]?.extensions?.code).toBe('TOKEN_REVOKED');

    const expiring = await sandboxServer.loginAdmin();
    sandboxServer.clock.advance((sandboxServer.config.jwt.accessTokenTtlSeconds + 1) * 1000);
    const expired = await sandboxServer.gql(SCHEMA, {}, { token: expiring.accessToken });
    expect(expired.status).toBe(401);
    expect(expired.errors?.[0]?.extensions?.code).toBe('TOKEN_EXPIRED');
  });

  it('answers __typename to everyone', async () => {
    const answer = await sandboxServer.gql<{ __typename: string }>('{ __typename }');
    expect(answer.status).toBe(200);
    expect(answer.data?.__typename).toBe('Query');
  });

  it('over WebSocket: an ADMIN socket may introspect, a USER socket is refused as without it', async () => {
    const sandboxTokens = await tokens(sandboxServer);
    const plainTokens = await tokens(plainServer);
    const ask = async (server: TestServer, token: string | undefined) => {
      const live = connectLive(server.url, { token });
      try {
        await live.connected;
        const answer = live.subscribe<{ __schema: { queryType: { name: string } } }>(SCHEMA);
        await answer.done;
        return { results: answer.results, refusal: answer.refusal() };
      } finally {
        await live.dispose();
      }
    };
    const admin = await ask(sandboxServer, sandboxTokens.admin);
    expect(admin.refusal).toBeUndefined();
    expect(admin.results[0]?.data?.__schema.queryType.name).toBe('Query');

    const user = await ask(sandboxServer, sandboxTokens.user);
    expect(user.refusal).toBeDefined();
    expect(user).toEqual(await ask(plainServer, plainTokens.user));
    expect(await ask(plainServer, plainTokens.admin)).toEqual(user);

    const anonymous = await ask(sandboxServer, undefined);
    expect(anonymous.refusal).toBeDefined();
    expect(anonymous).toEqual(await ask(plainServer, undefined));
  });

  it('over WebSocket: revoked and expired ADMIN tokens are refused at connection as without it', async () => {
    const closeOf = async (server: TestServer, token: string) => connectLive(server.url, { token }).closed;
    const revokedOn = async (server: TestServer) => {
      const admin = await server.loginAdmin();
      expect((await server.gql(LOGOUT, {}, { token: admin.accessToken })).errors).toBeUndefined();
      return closeOf(server, admin.accessToken);
    };
    const revoked = await revokedOn(sandboxServer);
    expect(revoked).toEqual({ code: 4403, reason: 'TOKEN_REVOKED: logged out' });
    expect(await revokedOn(plainServer)).toEqual(revoked);

    const expiredOn = async (server: TestServer) => {
      const admin = await server.loginAdmin();
      const ttlMs = (server.config.jwt.accessTokenTtlSeconds + 1) * 1000;
      server.clock.advance(ttlMs);
      try {
        return await closeOf(server, admin.accessToken);
      } finally {
        server.clock.advance(-ttlMs);
      }
    };
    const expired = await expiredOn(sandboxServer);
    expect(expired).toEqual({ code: 4403, reason: 'TOKEN_EXPIRED' });
    expect(await expiredOn(plainServer)).toEqual(expired);
  });
});

describe('production without ADMIN_SANDBOX', () => {
  it('serves no Sandbox and refuses introspection to administrators too', async () => {
    const page = await openPage(plainServer);
    expect(page.html).not.toContain('embeddable-sandbox');
    const { admin } = await tokens(plainServer);
    const refused = await plainServer.gql(SCHEMA, {}, { token: admin });
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('development', () => {
  const devServer = useTestServer({ env: { ADMIN_SANDBOX: 'true' } });

  it('serves Sandbox with the same document and headers, and introspection to everyone as before', async () => {
    const page = await openPage(devServer);
    expect(page.html).toContain('query UserSessionsAndAudit');
    expectSandboxHeaders(page.headers, page.html);
    const answer = await postGraphQL<{ __schema: unknown }>(devServer.url, SCHEMA);
    expect(answer.errors).toBeUndefined();
  });
});
