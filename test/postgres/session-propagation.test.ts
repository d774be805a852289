import { decodeJwtPart } from '../support/forge';
import { errorCode } from '../support/graphql-client';
import { claimsOf } from '../support/instances';
import { ME, REFRESH, REVOKE_SESSION } from '../support/operations';
import { waitFor } from '../support/wait';
import { useInstances } from '../support/use-instances';

const {
  instances,
  servers: [a, b],
} = useInstances({}, {});

it('refuses on B, within 1 s, a session signed out on A; A refuses it before answering', async () => {
  const user = await a.register();
  const phone = await a.login(user.user.email, user.password);
  const claims = claimsOf(phone.accessToken);
  // B has verified the token before: its cache must not keep it alive.
  expect((await b.gql(ME, {}, { token: phone.accessToken })).errors).toBeUndefined();

  const revoked = await a.gql(REVOKE_SESSION, { id: claims.sid, reason: 'phone lost' }, { token: user.accessToken });
  expect(revoked.errors).toBeUndefined();
  expect(await a.server.services.revocationCheck.isRevoked(claims)).toEqual({ reason: 'phone lost' });
  const lagMs = await waitFor(
    async () => (await b.server.services.revocationCheck.isRevoked(claims)) !== null,
    1000,
    'B refuses the session',
    0,
  );
  console.log(`session revocation A→B: seen on B ${lagMs.toFixed(2)} ms after A answered`);
  expect(b.server.services.revocationCheck.status()).toMatchObject({ synced: true, sessionsWithCutoff: 1 });

  const onB = await b.gql(ME, {}, { token: phone.accessToken });
  expect(errorCode(onB)).toBe('TOKEN_REVOKED');
  expect(onB.errors?.[0]?.extensions?.reason).toBe('phone lost');
  expect(errorCode(await b.gql(REFRESH, { refreshToken: phone.refreshToken }))).toBe('TOKEN_REVOKED');
  // The user's other session is untouched on both.
  for (const instance of [a, b])
    expect((await instance.gql(ME, {}, { token: user.accessToken })).errors).toBeUndefined();
});

it('a third instance started afterwards loads the session cutoff from its snapshot', async () => {
  const user = await a.register();
  const other = await a.login(user.user.email, user.password);
  const sid = String(decodeJwtPart(other.accessToken, 1).sid);
  await a.gql(REVOKE_SESSION, { id: sid, reason: 'before c started' }, { token: user.accessToken });
  const c = await instances.start();
  expect(c.server.services.revocationCheck.status()).toMatchObject({ synced: true });
  const me = await c.gql(ME, {}, { token: other.accessToken });
  expect(me.errors?.[0]?.extensions?.reason).toBe('before c started');
});
