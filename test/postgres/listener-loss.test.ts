import postgres from 'postgres';
import type { DatabaseHandle } from '../../src/db/client';
import { errorCode } from '../support/graphql-client';
import { claimsOf, mintAccessTokens } from '../support/instances';
import { ME, REVOKE_TOKEN } from '../support/operations';
import { percentile, waitFor } from '../support/wait';
import { useInstances } from '../support/use-instances';

// A checks in the database, so the only listener on this database is B's.
const {
  instances,
  servers: [a, b],
} = useInstances({ env: { REVOCATION_CHECK: 'database' } }, { wrapDatabase: holdReconnects });

/** Lets the test keep B from listening again until it has made its revocations. */
let reconnectGate: Promise<void> = Promise.resolve();
function holdReconnects(database: DatabaseHandle): DatabaseHandle {
  return {
    ...database,
    listen: async (channel, handlers) => {
      await reconnectGate;
      return database.listen(channel, handlers);
    },
  };
}

async function terminateListeners(url: string): Promise<number> {
  const database = new URL(url).pathname.slice(1);
  const admin = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const rows = await admin`
      select pg_terminate_backend(pid) as terminated from pg_stat_activity
      where datname = ${database} and query ilike 'listen%' and pid <> pg_backend_pid()`;
    return rows.length;
  } finally {
    await admin.end();
  }
}

it('polls the log while its listener is gone: each revocation refused on B within the staleness bound, B stays ready, no reload, and notifies again once it listens', async () => {
  if (instances.database.target.kind !== 'postgres') throw new Error('needs PostgreSQL');
  const admin = await a.loginAdmin();
  const user = await a.register();
  const tokens = await mintAccessTokens(a.url, user, 20);
  const check = b.server.services.revocationCheck;
  expect(check.status()).toMatchObject({ synced: true, busMode: 'notify' });
  const reloadsBefore = check.status().fullReloads;

  let openGate: () => void = () => undefined;
  reconnectGate = new Promise<void>((resolve) => {
    openGate = resolve;
  });
  expect(await terminateListeners(instances.database.target.url)).toBe(1);
  await waitFor(() => check.status().busMode === 'poll', 1000, 'B polls once its listener is gone');

  const lagsMs: number[] = [];
  for (const token of tokens) {
    const revoked = await a.gql(
      REVOKE_TOKEN,
      { input: { token, reason: 'revoked while B was deaf' } },
      { token: admin.accessToken },
    );
    expect(revoked.errors).toBeUndefined();
    lagsMs.push(
      await waitFor(
        async () => (await check.isRevoked(claimsOf(token))) !== null,
        b.config.revocationMaxStalenessMs,
        'B refuses it by polling the log',
      ),
    );
    expect(errorCode(await b.gql(ME, {}, { token }))).toBe('TOKEN_REVOKED');
    expect(check.status().synced).toBe(true);
  }
  console.log(
    `listener gone: B refused each of 20 revocations after p50 ${percentile(lagsMs, 50).toFixed(1)} ms, ` +
      `max ${Math.max(...lagsMs).toFixed(1)} ms (REVOCATION_POLL_MS ${b.config.revocationPollMs})`,
  );
  expect((await fetch(`${b.baseUrl}/readyz`)).status).toBe(200);

  openGate();
  await waitFor(() => check.status().busMode === 'notify', 5000, 'B listens again', 10);
  for (const token of tokens) {
    expect(await check.isRevoked(claimsOf(token))).toEqual({ reason: 'revoked while B was deaf' });
  }
  expect(check.status().fullReloads).toBe(reloadsBefore);
});
