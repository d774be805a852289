import { errorCode } from './support/graphql-client';
import {
  AUDIT_EVENTS_OF,
  USER,
  USERS,
  type AuditEventData,
  type AuthPayloadData,
  type Connection,
  type UserData,
} from './support/operations';
import { useTestServer } from './support/shared-server';
import { ADMIN_EMAIL } from './support/test-server';

const server = useTestServer();
let admin: AuthPayloadData;
const tag = `dir${Date.now().toString(36)}`;
let people: UserData[];
beforeAll(async () => {
  admin = await server.loginAdmin();
  people = [];
  for (const name of ['alice', 'bob', 'carol', 'dave', 'erin_x', 'frank%y']) {
    people.push((await server.register(`${name}.${tag}@example.com`)).user);
  }
});

async function users(variables: Record<string, unknown>, token = admin.accessToken) {
  return server.gql<{ users: Connection<UserData> }>(USERS, variables, { token });
}

describe('users', () => {
  it('pages through every account by email, with the total', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let totalCount = -1;
    for (let page = 0; page < 10; page += 1) {
      const response = await users({ first: 3, after });
      expect(response.errors).toBeUndefined();
      const connection = response.data?.users;
      if (!connection) throw new Error('no connection');
      totalCount = connection.totalCount;
      seen.push(...connection.edges.map((e) => e.node.email));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(totalCount).toBe(people.length + 1);
    expect(seen).toEqual([...people.map((p) => p.email), ADMIN_EMAIL].sort());
  });

  it('finds accounts by any part of the email, in any case', async () => {
    const response = await users({ search: `  CAR` });
    expect(response.data?.users.edges.map((e) => e.node.email)).toEqual([`carol.${tag}@example.com`]);
    expect(response.data?.users.totalCount).toBe(1);
    const byTag = await users({ search: tag.toUpperCase(), first: 2 });
    expect(byTag.data?.users.totalCount).toBe(people.length);
    expect(byTag.data?.users.edges).toHaveLength(2);
    expect(byTag.data?.users.pageInfo.hasNextPage).toBe(true);
  });

  it('matches % and _ literally', async () => {
    expect((await users({ search: '%' })).data?.users.edges.map((e) => e.node.email)).toEqual([
      `frank%y.${tag}@example.com`,
    ]);
    expect((await users({ search: '_' })).data?.users.edges.map((e) => e.node.email)).toEqual([
      `erin_x.${tag}@example.com`,
    ]);
    expect((await users({ search: 'zzz-nobody' })).data?.users).toMatchObject({ totalCount: 0, edges: [] });
  });

  it('treats a blank search as none', async () => {
    expect((await users({ search: '   ' })).data?.users.totalCount).toBe(people.length + 1);
  });

  it.each([
    ['first above 500', { first: 501 }],
    ['negative first', { first: -1 }],
    ['a foreign cursor', { after: 'bm90LWEtY3Vyc29y' }],
    ['a NUL in the search', { search: 'a\u0000b' }],
    ['an overlong search', { search: 'x'.repeat(255) }],
  ])('refuses %s with BAD_USER_INPUT', async (_label, variables) => {
    const response = await users(variables);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
  });

  it('accepts first = 500', async () => {
    expect((await users({ first: 500 })).errors).toBeUndefined();
  });

  it('is for administrators only', async () => {
    const user = await server.register();
    expect(errorCode(await users({}, user.accessToken))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(USERS))).toBe('UNAUTHENTICATED');
  });

  it('has no field that could carry a password hash', async () => {
    const response = await server.gql(
      '{ users { edges { node { id passwordHash } } } }',
      {},
      { token: admin.accessToken },
    );
    expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
    const all = await users({ first: 500 });
    expect(all.text).not.toMatch(/scrypt\$/);
  });
});

describe('user', () => {
  const lookup = (variables: Record<string, unknown>, token = admin.accessToken) =>
    server.gql<{ user: UserData | null }>(USER, variables, { token });

  it('finds one account by id or by email, in any case', async () => {
    const bob = people[1] as UserData;
    expect((await lookup({ id: bob.id })).data?.user).toEqual(bob);
    expect((await lookup({ email: bob.email.toUpperCase() })).data?.user).toEqual(bob);
  });

  it('answers null when there is none', async () => {
    const byId = await lookup({ id: '00000000-0000-4000-8000-000000000000' });
    expect(byId.errors).toBeUndefined();
    expect(byId.data?.user).toBeNull();
    expect((await lookup({ email: `nobody.${tag}@example.com` })).data?.user).toBeNull();
  });

  it.each([
    ['neither', {}],
    ['both', { id: '00000000-0000-4000-8000-000000000000', email: 'a@example.com' }],
    ['a malformed id', { id: 'not-an-id' }],
  ])('refuses %s with BAD_USER_INPUT', async (_label, variables) => {
    expect(errorCode(await lookup(variables))).toBe('BAD_USER_INPUT');
  });

  it('is for administrators only', async () => {
    const user = await server.register();
    expect(errorCode(await lookup({ id: user.user.id }, user.accessToken))).toBe('FORBIDDEN');
  });
});

describe('auditEvents(userId)', () => {
  it('keeps only the events the user did or that were done to them', async () => {
    const carol = people[2] as UserData;
    const response = await server.gql<{ auditEvents: Connection<AuditEventData> }>(
      AUDIT_EVENTS_OF,
      { userId: carol.id },
      { token: admin.accessToken },
    );
    const events = response.data?.auditEvents.edges.map((e) => e.node) ?? [];
    expect(response.data?.auditEvents.totalCount).toBe(events.length);
    expect(events.map((e) => e.action)).toEqual(['REGISTERED']);
    expect(events.every((e) => e.actorId === carol.id || e.targetUserId === carol.id)).toBe(true);
  });

  it('refuses a malformed user id', async () => {
    const response = await server.gql(AUDIT_EVENTS_OF, { userId: 'nope' }, { token: admin.accessToken });
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
  });
});
