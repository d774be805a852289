import { errorCode } from './support/graphql-client';
import {
  BLACKLISTED_TOKENS,
  LOGOUT,
  type AuthPayloadData,
  type BlacklistedTokenData,
  type Connection,
} from './support/operations';
import { useTestServer } from './support/shared-server';

type Listing = { blacklistedTokens: Connection<BlacklistedTokenData> };

const server = useTestServer();
let admin: AuthPayloadData;
const revokedJtis: string[] = [];
let someUserId: string;

beforeAll(async () => {
  admin = await server.loginAdmin();
  for (let i = 0; i < 7; i += 1) {
    const user = await server.register();
    someUserId = user.user.id;
    const logout = await server.gql<{ logout: BlacklistedTokenData }>(LOGOUT, {}, { token: user.accessToken });
    revokedJtis.push(logout.data?.logout.jti ?? '');
  }
});

const list = (variables: Record<string, unknown>, token = admin.accessToken) =>
  server.gql<Listing>(BLACKLISTED_TOKENS, variables, { token });

it('pages through every entry exactly once, newest first', async () => {
  const seen: string[] = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const response = await list({ first: 3, after });
    const connection = response.data?.blacklistedTokens;
    if (!connection) throw new Error(JSON.stringify(response.errors));
    expect(connection.totalCount).toBe(7);
    seen.push(...connection.edges.map((edge) => edge.node.jti));
    after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    pages += 1;
  } while (after);
  expect(pages).toBe(3);
  expect(seen).toEqual([...revokedJtis].reverse());
});

it('filters by user', async () => {
  const response = await list({ userId: someUserId });
  expect(response.data?.blacklistedTokens.totalCount).toBe(1);
  expect(response.data?.blacklistedTokens.edges[0]?.node.userId).toBe(someUserId);
});

it('hides expired entries unless asked for them', async () => {
  const shift = (server.config.jwt.accessTokenTtlSeconds + 5) * 1000;
  server.clock.advance(shift);
  try {
    const freshAdmin = await server.loginAdmin();
    expect((await list({}, freshAdmin.accessToken)).data?.blacklistedTokens.totalCount).toBe(0);
    expect((await list({ includeExpired: true }, freshAdmin.accessToken)).data?.blacklistedTokens.totalCount).toBe(7);
  } finally {
    server.clock.advance(-shift);
  }
});

it.each([
  ['first over 500', { first: 501 }],
  ['negative first', { first: -1 }],
  ['a cursor that is not ours', { after: 'bm90IGEgY3Vyc29y' }],
  ['a malformed userId', { userId: 'x' }],
])('refuses %s with BAD_USER_INPUT', async (_name, variables) => {
  const response = await list(variables);
  expect(response.status).toBe(400);
  expect(errorCode(response)).toBe('BAD_USER_INPUT');
});

it('accepts first = 500', async () => {
  expect((await list({ first: 500 })).data?.blacklistedTokens.edges).toHaveLength(7);
});

it('is for administrators only', async () => {
  const user = await server.register();
  expect(errorCode(await list({}, user.accessToken))).toBe('FORBIDDEN');
});
