import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, type GraphQLField } from 'graphql';
import { decodeJwtPart } from './support/forge';
import { argumentsArbitrary, operationFor, type ValuePools } from './support/graphql-arbitraries';
import type { GraphQLResponse } from './support/graphql-client';
import { rawGraphQLPost } from './support/raw-http';
import { useTestServer } from './support/shared-server';

// Property-based fuzzing: whatever a client sends, the answer is a clean 4xx or a success, never a
// 5xx, never a crash, never an internal message. fast-check prints the seed and the smallest
// failing input when a property fails.

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
jest.setTimeout(Math.max(120_000, RUNS * 300));

const schema = buildSchema(readFileSync(join(__dirname, '..', 'schema.graphql'), 'utf8'));
/** Codes that mean the server failed, not the client. */
const SERVER_FAULTS = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE']);
const LEAKS =
  /stacktrace|node_modules|\.[jt]s:\d+|syntax error at|violates|relation "|duplicate key|byte sequence|drizzle|pglite/i;

// Throttling would turn most login attempts into 429 before they reach the password check.
const server = useTestServer({
  env: {
    LOGIN_THROTTLE_EMAIL_FREE: '10000',
    LOGIN_THROTTLE_EMAIL_MAX: '0',
    LOGIN_THROTTLE_ADDRESS_FREE: '10000',
    LOGIN_THROTTLE_ADDRESS_MAX: '0',
  },
});
let adminToken: string;
let pools: ValuePools;
let port: number;

beforeAll(async () => {
  port = Number(new URL(server.baseUrl).port);
  adminToken = (await server.loginAdmin()).accessToken;
  const victims = await Promise.all([server.register(), server.register(), server.register()]);
  pools = {
    ids: victims.map((victim) => victim.user.id),
    strings: victims.flatMap((victim) => [
      victim.accessToken,
      victim.refreshToken,
      String(decodeJwtPart(victim.accessToken, 1).jti),
      victim.user.email,
      victim.password,
    ]),
  };
});

function errorLinesSince(index: number): string[] {
  return server.logs.lines.slice(index).filter((line) => /"level":"(error|fatal)"/.test(line));
}

/** The invariants every answer to client input must hold. */
function expectCleanAnswer(status: number, text: string, logIndex: number): void {
  expect(status).toBeLessThan(500);
  expect(text).not.toMatch(LEAKS);
  const body = JSON.parse(text) as Pick<GraphQLResponse<unknown>, 'errors'>;
  for (const error of body.errors ?? []) {
    expect(typeof error.extensions?.code).toBe('string');
    expect(SERVER_FAULTS.has(error.extensions?.code ?? '')).toBe(false);
  }
  expect(errorLinesSince(logIndex)).toEqual([]);
}

const fieldsWithArguments = (kind: 'query' | 'mutation') => {
  const root = kind === 'query' ? schema.getQueryType() : schema.getMutationType();
  return Object.values(root?.getFields() ?? {})
    .filter((field) => field.args.length > 0)
    .map((field): [string, GraphQLField<unknown, unknown>, 'query' | 'mutation'] => [
      `${kind} ${field.name}`,
      field,
      kind,
    ]);
};

/** Inputs that once got a 500, replayed on every run before the random ones. */
const foundBefore = (victimId: string): Record<string, Array<[Record<string, unknown>]>> => ({
  revokeToken: [[{ input: { jti: '\u0000' } }], [{ input: { jti: 'x\ud800' } }]],
  revokeUserTokens: [[{ userId: victimId, reason: '\u0000' }]],
  blacklistedTokens: [[{ after: Buffer.from('[9007199254740991,""]').toString('base64url') }]],
});

describe('every argument of every operation, fuzzed', () => {
  const fields = [...fieldsWithArguments('mutation'), ...fieldsWithArguments('query')];

  it('covers every mutation that takes input', () => {
    expect(fields.map(([name]) => name)).toEqual(
      expect.arrayContaining(['mutation register', 'mutation login', 'mutation refreshToken', 'mutation revokeToken']),
    );
  });

  it.each(fields)('%s', async (_name, field, kind) => {
    const query = operationFor(kind, field);
    await fc.assert(
      fc.asyncProperty(argumentsArbitrary(field.args, pools), async (variables) => {
        const logIndex = server.logs.lines.length;
        const response = await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
          body: JSON.stringify({ query, variables }),
        });
        expectCleanAnswer(response.status, await response.text(), logIndex);
      }),
      { numRuns: RUNS, examples: foundBefore(pools.ids[0] ?? '')[field.name] ?? [] },
    );
  });
});

describe('the Authorization header, fuzzed', () => {
  const send = (value: Uint8Array) =>
    rawGraphQLPost(
      port,
      [Buffer.concat([Buffer.from('Authorization: '), value])],
      JSON.stringify({ query: '{ me { id } }' }),
    );

  it('any bytes at all: refused by the HTTP parser (400) or by us (401 INVALID_TOKEN)', async () => {
    const noLineBreaks = fc
      .uint8Array({ maxLength: 300 })
      .map((bytes) => bytes.filter((byte) => byte !== 0x0a && byte !== 0x0d));
    const value = fc.oneof(
      noLineBreaks,
      noLineBreaks.map((bytes) => Buffer.concat([Buffer.from('Bearer '), bytes])),
    );
    await fc.assert(
      fc.asyncProperty(value, async (bytes) => {
        const logIndex = server.logs.lines.length;
        const response = await send(bytes);
        expect([400, 401]).toContain(response.status);
        if (response.status === 401) expectCleanAnswer(response.status, response.body, logIndex);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  const segment = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }).map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
    fc.base64String({ maxLength: 60 }).map((text) => text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')),
  );
  const header = fc
    .record(
      {
        alg: fc.oneof(fc.constantFrom('none', 'HS256', 'RS256', 'HS512', 'NONE'), fc.jsonValue()),
        typ: fc.oneof(fc.constantFrom('at+jwt', 'JWT'), fc.jsonValue()),
        kid: fc.string(),
      },
      { requiredKeys: [] },
    )
    .map((value) => Buffer.from(JSON.stringify(value)).toString('base64url'));

  it('JWT-shaped tokens from random parts are INVALID_TOKEN', async () => {
    await fc.assert(
      fc.asyncProperty(fc.tuple(fc.oneof(header, segment), segment, segment), async (parts) => {
        const logIndex = server.logs.lines.length;
        const response = await server.gql('{ me { id } }', {}, { token: parts.join('.') });
        expect(response.status).toBe(401);
        expect(response.errors?.[0]?.extensions?.code).toBe('INVALID_TOKEN');
        expectCleanAnswer(response.status, response.text, logIndex);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('a genuine token with any one character changed, added or removed is INVALID_TOKEN', async () => {
    const genuine = (await server.register()).accessToken;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const base64url = fc.nat(alphabet.length - 1).map((index) => alphabet.charAt(index));
    const edit = fc.oneof(
      fc.tuple(fc.constant('change' as const), fc.nat(genuine.length - 1), base64url),
      fc.tuple(fc.constant('insert' as const), fc.nat(genuine.length), base64url),
      fc.tuple(fc.constant('remove' as const), fc.nat(genuine.length - 1), fc.constant('')),
    );
    await fc.assert(
      fc.asyncProperty(edit, async ([kind, at, character]) => {
        const skip = kind === 'insert' ? 0 : 1;
        const edited = genuine.slice(0, at) + character + genuine.slice(at + skip);
        fc.pre(edited !== genuine);
        const response = await server.gql('{ me { id } }', {}, { token: edited });
        expect(response.status).toBe(401);
        expect(response.errors?.[0]?.extensions?.code).toBe('INVALID_TOKEN');
      }),
      { numRuns: RUNS * 2 },
    );
    expect((await server.gql('{ me { id } }', {}, { token: genuine })).status).toBe(200);
  });
});

describe('whole request bodies, fuzzed', () => {
  it('any JSON or text body gets a clean answer', async () => {
    const body = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.json({ maxDepth: 3 }),
      fc
        .record(
          {
            query: fc.oneof(
              fc.string({ maxLength: 200 }),
              fc.constantFrom('{ me { id } }', 'mutation { logout { jti } }'),
            ),
            variables: fc.jsonValue({ maxDepth: 2 }),
            operationName: fc.oneof(fc.string(), fc.jsonValue()),
            extensions: fc.jsonValue({ maxDepth: 2 }),
          },
          { requiredKeys: [] },
        )
        .map((value) => JSON.stringify(value)),
    );
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const logIndex = server.logs.lines.length;
        const response = await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: text,
        });
        expectCleanAnswer(response.status, await response.text(), logIndex);
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

describe('after all the fuzzing', () => {
  it('the server is healthy and the administrator still signed in', async () => {
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200);
    const me = await server.gql<{ me: { role: string } }>('{ me { role } }', {}, { token: adminToken });
    expect(me.data?.me.role).toBe('ADMIN');
  });
});
