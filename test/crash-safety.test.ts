import { randomUUID } from 'node:crypto';
import { decodeJwtPart } from './support/forge';
import { errorCode, postGraphQL, type GraphQLResponse } from './support/graphql-client';
import {
  AUDIT_EVENTS,
  BLACKLISTED_TOKENS,
  LOGOUT,
  ME,
  REGISTER,
  REVOKE_TOKEN,
  REVOKE_USER_TOKENS,
  type AuthPayloadData,
  type BlacklistedTokenData,
  type Connection,
} from './support/operations';
import { adminTokenOf, runService, useServiceData, type ServiceProcess } from './support/service-process';
import { USER_PASSWORD, uniqueEmail } from './support/test-server';

// kill -9 in the middle of a storm of revocations: no shutdown code runs, nothing is flushed on
// the way out. Whatever the server acknowledged before it died must be enforced after a restart.
jest.setTimeout(120_000);

const serviceEnv = useServiceData('crash');
const USERS = 36;
const JTIS = 240;
const CONCURRENCY = 12;

/** One revocation a client asked for; `acknowledged` once the server answered it with success. */
interface Revocation {
  kind: 'logout' | 'revoke-user' | 'revoke-jti';
  jti: string;
  /** The access token that must be refused afterwards, where there is one. */
  token?: string;
  send: () => Promise<boolean>;
  acknowledged?: boolean;
}

let service: ServiceProcess | undefined;
afterEach(() => service?.child.kill('SIGKILL'));

async function paged<TNode>(url: string, query: string, field: string, token: string, first: number): Promise<TNode[]> {
  const nodes: TNode[] = [];
  let after: string | null = null;
  do {
    const page: GraphQLResponse<Record<string, Connection<TNode>>> = await postGraphQL(
      url,
      query,
      { first, after },
      { token },
    );
    const connection: Connection<TNode> | undefined = page.data?.[field];
    if (!connection) throw new Error(`${field} failed: ${JSON.stringify(page.errors)}`);
    nodes.push(...connection.edges.map((edge) => edge.node));
    after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
  } while (after !== null);
  return nodes;
}

it('enforces every acknowledged revocation after kill -9 mid-storm, with its audit event, and nothing half-written', async () => {
  service = runService(serviceEnv());
  const url = `${await service.ready}/graphql`;
  const admin = await adminTokenOf(url.replace(/\/graphql$/, ''));
  const users = await Promise.all(
    Array.from({ length: USERS }, async () => {
      const registered = await postGraphQL<{ register: AuthPayloadData }>(url, REGISTER, {
        email: uniqueEmail('crash'),
        password: USER_PASSWORD,
      });
      if (!registered.data) throw new Error(JSON.stringify(registered.errors));
      return registered.data.register;
    }),
  );

  const succeeded = (field: string) => (response: { data?: unknown }) =>
    (response.data as Record<string, unknown> | null | undefined)?.[field] != null;
  const untouched = users.slice(0, USERS / 4);
  const revocations: Revocation[] = [
    ...users.slice(USERS / 4, USERS / 2).map(
      (user): Revocation => ({
        kind: 'revoke-user',
        jti: String(decodeJwtPart(user.accessToken, 1).jti),
        token: user.accessToken,
        send: () =>
          postGraphQL(url, REVOKE_USER_TOKENS, { userId: user.user.id, reason: 'crash test' }, { token: admin }).then(
            succeeded('revokeUserTokens'),
          ),
      }),
    ),
    ...users.slice(USERS / 2).map(
      (user): Revocation => ({
        kind: 'logout',
        jti: String(decodeJwtPart(user.accessToken, 1).jti),
        token: user.accessToken,
        send: () => postGraphQL(url, LOGOUT, {}, { token: user.accessToken }).then(succeeded('logout')),
      }),
    ),
    ...Array.from({ length: JTIS }, (): Revocation => {
      const jti = randomUUID();
      return {
        kind: 'revoke-jti',
        jti,
        send: () =>
          postGraphQL(url, REVOKE_TOKEN, { input: { jti, reason: 'crash test' } }, { token: admin }).then(
            succeeded('revokeToken'),
          ),
      };
    }),
  ].sort(() => Math.random() - 0.5);

  // Workers take revocations off a shared queue; the server is killed a third of the way in.
  const queue = [...revocations];
  let acknowledgements = 0;
  let pending = 0;
  let inFlightAtKill = 0;
  const killAt = Math.floor(revocations.length / 3);
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const revocation = next;
      pending += 1;
      revocation.acknowledged = await revocation.send().catch(() => false);
      pending -= 1;
      if (revocation.acknowledged) acknowledgements += 1;
      if (acknowledgements >= killAt && inFlightAtKill === 0) {
        inFlightAtKill = pending;
        service?.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await service.exited;
  const acknowledged = revocations.filter((revocation) => revocation.acknowledged);
  console.log(
    `kill -9 with ${inFlightAtKill} revocations in flight: ${acknowledged.length} of ${revocations.length} acknowledged`,
  );
  expect(acknowledged.length).toBeGreaterThanOrEqual(killAt);
  expect(inFlightAtKill).toBeGreaterThan(0);

  service = runService(serviceEnv());
  const restartedUrl = `${await service.ready}/graphql`;
  const restartedAdmin = await adminTokenOf(restartedUrl.replace(/\/graphql$/, ''));

  for (const revocation of acknowledged.filter((r) => r.token !== undefined)) {
    const me = await postGraphQL(restartedUrl, ME, {}, { token: revocation.token });
    expect([revocation.kind, errorCode(me)]).toEqual([revocation.kind, 'TOKEN_REVOKED']);
  }
  for (const user of untouched) {
    expect((await postGraphQL(restartedUrl, ME, {}, { token: user.accessToken })).errors).toBeUndefined();
  }

  const blacklisted = await paged<BlacklistedTokenData>(
    restartedUrl,
    BLACKLISTED_TOKENS,
    'blacklistedTokens',
    restartedAdmin,
    500,
  );
  const audited = await paged<{ action: string; targetJti: string | null; targetUserId: string | null }>(
    restartedUrl,
    AUDIT_EVENTS,
    'auditEvents',
    restartedAdmin,
    500,
  );
  const blacklistedJtis = new Set(blacklisted.map((entry) => entry.jti));
  const auditedJtis = new Set(audited.flatMap((event) => (event.targetJti === null ? [] : [event.targetJti])));
  const singleRevocations = acknowledged.filter((revocation) => revocation.kind !== 'revoke-user');
  expect(singleRevocations.filter((revocation) => !blacklistedJtis.has(revocation.jti))).toEqual([]);
  // All or nothing, both ways, acknowledged or not: every stored revocation has its audit event,
  // and every audit event its stored revocation.
  expect([...blacklistedJtis].filter((jti) => !auditedJtis.has(jti))).toEqual([]);
  expect([...auditedJtis].filter((jti) => !blacklistedJtis.has(jti))).toEqual([]);
  const userCutoffs = new Set(
    audited.filter((event) => event.action === 'USER_TOKENS_REVOKED').map((event) => event.targetUserId),
  );
  const revokedUsers = acknowledged.filter((revocation) => revocation.kind === 'revoke-user');
  const userOf = (token: string | undefined) => String(decodeJwtPart(token ?? '', 1).sub);
  expect(revokedUsers.filter((revocation) => !userCutoffs.has(userOf(revocation.token)))).toEqual([]);
  // And for the revocations that carry a token, acknowledged or not: the token is refused exactly
  // when the revocation's record exists (the user's audited cutoff, the logout's blacklisted jti).
  const halfWritten: string[] = [];
  for (const revocation of revocations.filter((r) => r.token !== undefined)) {
    const refused = errorCode(await postGraphQL(restartedUrl, ME, {}, { token: revocation.token })) === 'TOKEN_REVOKED';
    const recorded =
      revocation.kind === 'revoke-user'
        ? userCutoffs.has(userOf(revocation.token))
        : blacklistedJtis.has(revocation.jti);
    if (refused !== recorded)
      halfWritten.push(`${revocation.kind} ${revocation.jti}: refused ${refused}, recorded ${recorded}`);
  }
  expect(halfWritten).toEqual([]);

  service.child.kill('SIGTERM');
  expect(await service.exited).toBe(0);
});
