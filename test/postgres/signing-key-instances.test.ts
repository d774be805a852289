import { errorCode } from '../support/graphql-client';
import { ME, REVOKE_SIGNING_KEY, ROTATE_SIGNING_KEY, type SigningKeyData } from '../support/operations';
import { kidOf } from '../support/signing-keys';
import { TestClock } from '../support/test-clock';
import type { TestServer } from '../support/test-server';
import { waitFor } from '../support/wait';
import { useInstances } from '../support/use-instances';

// One clock for both, as NTP gives instances: the publish delay is what is being tested, not skew.
const clock = new TestClock();
/** A plain-name issuer: status list URIs need an issuer URL, and are not what is tested here. */
const ES256 = { JWT_ALGORITHM: 'ES256', STATUS_LIST: 'off' };
const {
  instances,
  servers: [a, b],
} = useInstances({ clock, env: ES256 }, { clock, env: ES256 });

const publishedOn = async (instance: TestServer) => {
  const body = (await (await fetch(`${instance.baseUrl}/.well-known/jwks.json`)).json()) as {
    keys: Array<{ kid: string }>;
  };
  return body.keys.map((key) => key.kid);
};

it('a rotation on A is published on B as NEXT before A signs with it; then B accepts A’s tokens at once', async () => {
  const admin = await a.loginAdmin();
  const rotated = await a.gql<{ rotateSigningKey: SigningKeyData }>(
    ROTATE_SIGNING_KEY,
    {},
    { token: admin.accessToken },
  );
  const next = rotated.data?.rotateSigningKey;
  if (!next) throw new Error(JSON.stringify(rotated.errors));
  const lagMs = await waitFor(async () => (await publishedOn(b)).includes(next.kid), 1000, 'B publishes NEXT', 0);
  console.log(`rotation A→B: NEXT key published on B ${lagMs.toFixed(2)} ms after A answered`);

  clock.advance(31_000);
  const user = await a.register();
  expect(kidOf(user.accessToken)).toBe(next.kid);
  expect((await b.gql(ME, {}, { token: user.accessToken })).errors).toBeUndefined();
  // Tokens of the retired key still verify everywhere.
  expect((await b.gql(ME, {}, { token: admin.accessToken })).errors).toBeUndefined();
});

it('a key revoked on A is refused on B within the propagation bound; B accepts the replacement key at once', async () => {
  const user = await a.register();
  const kid = kidOf(user.accessToken);
  expect((await b.gql(ME, {}, { token: user.accessToken })).errors).toBeUndefined();
  const admin = await a.loginAdmin();
  const revoked = await a.gql(REVOKE_SIGNING_KEY, { kid, reason: 'HSM compromised' }, { token: admin.accessToken });
  expect(revoked.errors).toBeUndefined();

  const lagMs = await waitFor(
    async () => errorCode(await b.gql(ME, {}, { token: user.accessToken })) === 'TOKEN_REVOKED',
    1000,
    'B refuses the revoked key',
    0,
  );
  console.log(`key revocation A→B: refused on B ${lagMs.toFixed(2)} ms after A answered`);
  const onB = await b.gql(ME, {}, { token: user.accessToken });
  expect(onB.errors?.[0]?.extensions?.reason).toBe('HSM compromised');
  expect(await publishedOn(b)).not.toContain(kid);

  // The revocation rotated at once (no NEXT wait): a token A signs now verifies on B straight away.
  const again = await a.login(user.user.email, user.password);
  expect(kidOf(again.accessToken)).not.toBe(kid);
  expect((await b.gql(ME, {}, { token: again.accessToken })).errors).toBeUndefined();
});

it('a third instance started afterwards refuses the revoked key from its snapshot', async () => {
  const c = await instances.start({ clock, env: ES256 });
  const keys = await c.gql<{ signingKeys: SigningKeyData[] }>(
    'query { signingKeys { kid state } }',
    {},
    { token: (await c.loginAdmin()).accessToken },
  );
  const revokedKid = keys.data?.signingKeys.find((key) => key.state === 'REVOKED')?.kid;
  expect(revokedKid).toBeDefined();
  expect(
    await c.server.services.revocationCheck.isRevoked({
      jti: 'x',
      sub: 'y',
      sid: 'z',
      issuedAtMs: 0,
      kid: revokedKid ?? '',
    }),
  ).toEqual({
    reason: 'HSM compromised',
  });
});
