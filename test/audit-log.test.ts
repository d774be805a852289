import { sql } from 'drizzle-orm';
import { errorCode } from './support/graphql-client';
import { AUDIT_EVENTS, REVOKE_TOKEN, type AuditEventData, type Connection } from './support/operations';
import { decodeJwtPart } from './support/forge';
import { useServerWithAdmin } from './support/shared-server';

type AuditListing = { auditEvents: Connection<AuditEventData> };

const shared = useServerWithAdmin();

const listAll = async (): Promise<AuditEventData[]> => {
  const events: AuditEventData[] = [];
  let after: string | null = null;
  do {
    const response: Awaited<ReturnType<typeof shared.server.gql<AuditListing>>> = await shared.server.gql<AuditListing>(
      AUDIT_EVENTS,
      { first: 2, after },
      { token: shared.admin.accessToken },
    );
    const connection = response.data?.auditEvents;
    if (!connection) throw new Error(JSON.stringify(response.errors));
    events.push(...connection.edges.map((edge) => edge.node));
    after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
  } while (after);
  return events;
};

it('records who revoked what and why, newest first, across pages', async () => {
  const user = await shared.server.register();
  await shared.server.gql(
    REVOKE_TOKEN,
    { input: { token: user.accessToken, reason: 'phishing' } },
    { token: shared.admin.accessToken },
  );

  const events = await listAll();
  const ids = events.map((event) => Number(event.id));
  expect(ids).toEqual([...ids].sort((a, b) => b - a));
  expect(new Set(ids).size).toBe(ids.length);
  expect(events[0]).toMatchObject({
    action: 'TOKEN_REVOKED',
    actorId: shared.admin.user.id,
    targetUserId: user.user.id,
    targetJti: decodeJwtPart(user.accessToken, 1).jti,
    reason: 'phishing',
  });
  expect(events.map((event) => event.action)).toEqual(
    expect.arrayContaining(['ADMIN_BOOTSTRAPPED', 'LOGGED_IN', 'REGISTERED', 'TOKEN_REVOKED']),
  );
});

it.each([
  ['UPDATE', sql`update audit_events set reason = 'rewritten'`],
  ['DELETE', sql`delete from audit_events`],
  ['TRUNCATE', sql`truncate audit_events`],
])('refuses %s at the database level', async (_name, statement) => {
  const before = await listAll();
  const failure = await shared.server.database.db.execute(statement).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(Error);
  expect(String((failure as Error).cause)).toMatch(/append-only/);
  expect(await listAll()).toEqual(before);
});

it('is for administrators only', async () => {
  const user = await shared.server.register();
  expect(errorCode(await shared.server.gql(AUDIT_EVENTS, {}, { token: user.accessToken }))).toBe('FORBIDDEN');
});
