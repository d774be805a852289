import { errorCode } from '../support/graphql-client';
import { claimsForJti, claimsOf, mintAccessTokens } from '../support/instances';
import { ME, REVOKE_TOKEN } from '../support/operations';
import { percentile, waitFor } from '../support/wait';
import { useInstances } from '../support/use-instances';

const {
  servers: [a, b],
} = useInstances({}, {});

it('enforces on B, within 1 s, what was revoked on A; and A enforces it before answering', async () => {
  const admin = await a.loginAdmin();
  const user = await a.register();
  const tokens = await mintAccessTokens(a.url, user, 200);
  const lagsMs: number[] = [];
  const sendToApplyMs: number[] = [];
  for (const token of tokens) {
    const claims = claimsOf(token);
    const revoked = await a.gql(REVOKE_TOKEN, { input: { jti: claims.jti } }, { token: admin.accessToken });
    expect(revoked.errors).toBeUndefined();
    // Read-your-writes on the revoking instance: no waiting at all.
    expect(await a.server.services.revocationCheck.isRevoked(claims)).not.toBeNull();
    lagsMs.push(
      await waitFor(
        async () => (await b.server.services.revocationCheck.isRevoked(claims)) !== null,
        1000,
        'B sees it',
        0,
      ),
    );
    // Seen from B's memory, not from a fallback to the database.
    const status = b.server.services.revocationCheck.status();
    expect(status.synced).toBe(true);
    sendToApplyMs.push(status.lastNotificationLagMs ?? Number.NaN);
  }
  console.log(
    `propagation A→B over ${lagsMs.length} revocations: p50 ${percentile(lagsMs, 50).toFixed(2)} ms, ` +
      `p99 ${percentile(lagsMs, 99).toFixed(2)} ms, max ${Math.max(...lagsMs).toFixed(2)} ms after A answered; ` +
      `NOTIFY sent→applied on B p50 ${percentile(sendToApplyMs, 50)} ms, p99 ${percentile(sendToApplyMs, 99)} ms`,
  );
  expect(Math.max(...lagsMs)).toBeLessThan(1000);

  // And over HTTP, the way a client sees it.
  const last = tokens.at(-1) ?? '';
  expect(errorCode(await b.gql(ME, {}, { token: last }))).toBe('TOKEN_REVOKED');
  expect(b.server.services.revocationCheck.status()).toMatchObject({ strategy: 'mirror', synced: true });
  expect(b.server.services.revocationCheck.status().lastNotificationLagMs).not.toBeNull();
});

it('propagates a user-wide cutoff and an unknown jti too', async () => {
  const admin = await a.loginAdmin();
  const user = await a.register();
  await a.gql(
    'mutation($id: ID!) { revokeUserTokens(userId: $id, reason: "gone") }',
    { id: user.user.id },
    { token: admin.accessToken },
  );
  await waitFor(
    async () => errorCode(await b.gql(ME, {}, { token: user.accessToken })) === 'TOKEN_REVOKED',
    1000,
    'cutoff on B',
  );

  const jti = `never-issued-${Date.now()}`;
  await a.gql(REVOKE_TOKEN, { input: { jti } }, { token: admin.accessToken });
  await waitFor(
    async () => (await b.server.services.revocationCheck.isRevoked(claimsForJti(jti))) !== null,
    1000,
    'jti on B',
  );
});
