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

it('notices within a second a listener that silently stops delivering, polls the log meanwhile, and trusts notifications again once they arrive', async () => {
  const a = await instances.start({ env: { REVOCATION_CHECK: 'database' } });
  const muted = { value: false };
  const b = await instances.start({ wrapDatabase: (database) => withMutableListener(database, muted) });
  const admin = await a.loginAdmin();
  const check = b.server.services.revocationCheck;
  expect(check.status()).toMatchObject({ synced: true, busMode: 'notify' });
  const reloadsBefore = check.status().fullReloads;

  muted.value = true;
  const jti = `revoked-while-muted-${Date.now()}`;
  await a.gql(REVOKE_TOKEN, { input: { jti } }, { token: admin.accessToken });
  const refusedAfterMs = await waitFor(
    async () => (await check.isRevoked(claimsForJti(jti))) !== null,
    b.config.revocationMaxStalenessMs,
    'B refuses it, read from the log',
  );
  const caughtAfterMs = await waitFor(() => check.status().busMode === 'poll', 1500, 'B notices the silence', 10);
  console.log(
    `silent listener: revocation refused on B after ${refusedAfterMs.toFixed(0)} ms, poll mode ${caughtAfterMs.toFixed(0)} ms later`,
  );
  expect(check.status().synced).toBe(true);

  muted.value = false;
  // Notifications are trusted again after several revocations each notified before the poll found it.
  for (let i = 0; i < 12 && check.status().busMode === 'poll'; i += 1) {
    await a.gql(REVOKE_TOKEN, { input: { jti: `${jti}-${i}` } }, { token: admin.accessToken });
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  expect(check.status().busMode).toBe('notify');
  expect(check.status().fullReloads).toBe(reloadsBefore);
});
