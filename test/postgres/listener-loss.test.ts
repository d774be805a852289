import postgres from 'postgres';
import type { DatabaseHandle } from '../../src/db/client';
import { errorCode } from '../support/graphql-client';
import { claimsOf, mintAccessTokens } from '../support/instances';
import { ME, REVOKE_TOKEN } from '../support/operations';
import { waitFor } from '../support/wait';
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

it('never accepts what was revoked while its listener was gone, and heals within 5 s', async () => {
  if (instances.database.target.kind !== 'postgres') throw new Error('needs PostgreSQL');
  const admin = await a.loginAdmin();
  const user = await a.register();
  const tokens = await mintAccessTokens(a.url, user, 20);
  const check = b.server.services.revocationCheck;
  expect(check.status().synced).toBe(true);

  let openGate: () => void = () => undefined;
  reconnectGate = new Promise<void>((resolve) => {
    openGate = resolve;
  });
  expect(await terminateListeners(instances.database.target.url)).toBe(1);
  await waitFor(() => !check.status().synced, 2000, 'B notices the lost listener');

  // Meanwhile B answers from the database: every revocation is refused at once.
  for (const token of tokens) {
    await a.gql(REVOKE_TOKEN, { input: { token, reason: 'revoked while B was deaf' } }, { token: admin.accessToken });
    expect(errorCode(await b.gql(ME, {}, { token }))).toBe('TOKEN_REVOKED');
  }
  expect(check.status().synced).toBe(false);

  openGate();
  const healedMs = await waitFor(() => check.status().synced, 5000, 'B back in sync', 10);
  console.log(`listener back: B in sync again after ${healedMs.toFixed(0)} ms, 20 revocations made while it was deaf`);
  for (const token of tokens) {
    expect(await check.isRevoked(claimsOf(token))).toEqual({ reason: 'revoked while B was deaf' });
  }
  expect((await fetch(`${b.baseUrl}/readyz`)).status).toBe(200);
});
