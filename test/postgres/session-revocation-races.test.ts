import type postgres from 'postgres';
import { decodeJwtPart } from '../support/forge';
import { errorCode } from '../support/graphql-client';
import { CHANGE_PASSWORD, LOGIN, ME, REFRESH, REVOKE_SESSION, type AuthPayloadData } from '../support/operations';
import { holdInTransaction, openSideConnection, waitForBlockedBackends } from '../support/side-connection';
import { TestClock } from '../support/test-clock';
import { useInstances } from '../support/use-instances';

// A refresh and a revocation of the same session, put in a set order by a lock on the session
// row that the test's own connection holds. The refreshing instance's clock runs 5 s ahead, so
// its token is stamped after the revocation's own clock reading: only a cutoff taken from what
// the session actually issued covers it.
jest.setTimeout(30_000);

const ahead = new TestClock();
ahead.advance(5000);
let side: postgres.Sql;
// Declared before the instances' own, so that the side connection ends before their database is dropped.
afterAll(() => side.end());
const {
  instances,
  servers: [refresher, revoker],
} = useInstances({ clock: ahead }, {});
beforeAll(() => {
  side = openSideConnection(instances.database);
});

async function race(first: 'refresh' | 'revoke') {
  const user = await refresher.register();
  const phone = await refresher.login(user.user.email, user.password);
  const sid = String(decodeJwtPart(phone.accessToken, 1).sid);
  const row = await holdInTransaction(side, (tx) => tx`select id from sessions where id = ${sid} for update`);
  const refresh = () => refresher.gql<{ refreshToken: AuthPayloadData }>(REFRESH, { refreshToken: phone.refreshToken });
  const revoke = () => revoker.gql(REVOKE_SESSION, { id: sid, reason: 'race' }, { token: user.accessToken });
  let refreshing: ReturnType<typeof refresh> | undefined;
  let revoking: ReturnType<typeof revoke> | undefined;
  try {
    if (first === 'refresh') refreshing = refresh();
    else revoking = revoke();
    await waitForBlockedBackends(side, 1);
    if (first === 'refresh') revoking = revoke();
    else refreshing = refresh();
    await waitForBlockedBackends(side, 2);
  } finally {
    row.release();
    await row.done;
  }
  return { refreshed: await refreshing, revoked: await revoking, phone };
}

it('a refresh that holds the session first gets a token that the revocation then refuses', async () => {
  const { refreshed, revoked, phone } = await race('refresh');
  expect(refreshed?.errors).toBeUndefined();
  expect(revoked?.errors).toBeUndefined();
  const fresh = refreshed?.data?.refreshToken;
  if (!fresh) throw new Error('no tokens from the refresh');
  // Stamped after the revocation started, by the clock of the instance that refreshed.
  const [cut] = await side<Array<{ revoked_at: Date }>>`
    select revoked_at from sessions where id = ${String(decodeJwtPart(fresh.accessToken, 1).sid)}`;
  expect(Number(decodeJwtPart(fresh.accessToken, 1).iat) * 1000).toBeGreaterThan(cut?.revoked_at.getTime() ?? 0);

  for (const instance of [refresher, revoker]) {
    for (const token of [phone.accessToken, fresh.accessToken]) {
      const me = await instance.gql(ME, {}, { token });
      expect(errorCode(me)).toBe('TOKEN_REVOKED');
      expect(me.errors?.[0]?.extensions?.reason).toBe('race');
    }
    expect(errorCode(await instance.gql(REFRESH, { refreshToken: fresh.refreshToken }))).toBe('TOKEN_REVOKED');
  }
});

it('a refresh queued behind the revocation is refused and issues nothing', async () => {
  const { refreshed, revoked, phone } = await race('revoke');
  expect(revoked?.errors).toBeUndefined();
  expect(refreshed && errorCode(refreshed)).toBe('TOKEN_REVOKED');
  const [issued] = await side<Array<{ count: number }>>`
    select count(*)::int as count from access_tokens
    where session_id = ${String(decodeJwtPart(phone.accessToken, 1).sid)}`;
  expect(issued?.count).toBe(1);
  expect(errorCode(await revoker.gql(ME, {}, { token: phone.accessToken }))).toBe('TOKEN_REVOKED');
});

it('a sign-in whose old password checked out while the password was being changed is refused', async () => {
  const user = await revoker.register();
  const row = await holdInTransaction(side, (tx) => tx`select id from users where id = ${user.user.id} for update`);
  let changing: ReturnType<typeof revoker.gql> | undefined;
  let signingIn: ReturnType<typeof revoker.gql<{ login: AuthPayloadData }>> | undefined;
  try {
    changing = revoker.gql(
      CHANGE_PASSWORD,
      { currentPassword: user.password, newPassword: 'the new passphrase, changed' },
      { token: user.accessToken },
    );
    await waitForBlockedBackends(side, 1);
    signingIn = revoker.gql<{ login: AuthPayloadData }>(LOGIN, { email: user.user.email, password: user.password });
    await waitForBlockedBackends(side, 2);
  } finally {
    row.release();
    await row.done;
  }
  expect((await changing).errors).toBeUndefined();
  const signIn = await signingIn;
  expect(signIn.status).toBe(401);
  expect(errorCode(signIn)).toBe('UNAUTHENTICATED');
});
