import type { DatabaseHandle } from '../../src/db/client';
import { claimsForJti } from '../support/instances';
import { REVOKE_TOKEN } from '../support/operations';
import { waitFor } from '../support/wait';
import { useInstances } from '../support/use-instances';

const { instances } = useInstances();

/** A listener whose connection stays up but whose notifications stop arriving. */
function withMutableListener(database: DatabaseHandle, muted: { value: boolean }): DatabaseHandle {
  return {
    ...database,
    listen: (channel, handlers) =>
      database.listen(channel, {
        onNotify: (payload) => {
          if (!muted.value) handlers.onNotify(payload);
        },
        onClose: () => handlers.onClose(),
      }),
  };
}

it('catches a listener that silently stops delivering within 5 s, and answers from the database meanwhile', async () => {
  const a = await instances.start({ env: { REVOCATION_CHECK: 'database' } });
  const muted = { value: false };
  const b = await instances.start({
    env: { REVOCATION_RECONCILE_MS: '1000' },
    wrapDatabase: (database) => withMutableListener(database, muted),
  });
  const admin = await a.loginAdmin();
  const check = b.server.services.revocationCheck;
  expect(check.status().synced).toBe(true);

  muted.value = true;
  const jti = `revoked-while-muted-${Date.now()}`;
  const revokedAt = performance.now();
  await a.gql(REVOKE_TOKEN, { input: { jti } }, { token: admin.accessToken });
  const caughtAfterMs = await waitFor(() => !check.status().synced, 5000, 'reconcile catches the silent listener', 10);
  console.log(`silent listener caught by reconcile ${caughtAfterMs.toFixed(0)} ms after the revocation`);
  // Unsynced: answered from the database, so the revocation holds although no notice arrived.
  expect(await check.isRevoked(claimsForJti(jti))).not.toBeNull();

  muted.value = false;
  await waitFor(() => check.status().synced, 5000, 'resynced', 10);
  expect(await check.isRevoked(claimsForJti(jti))).not.toBeNull();
  expect(performance.now() - revokedAt).toBeLessThan(10_000);
});
