import { errorCode } from '../support/graphql-client';
import { ME } from '../support/operations';
import { sample, scrape } from '../support/prometheus';
import { waitFor } from '../support/wait';
import { useInstanceBehindProxy } from '../support/use-instances';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});
const {
  proxy,
  servers: [b],
} = useInstanceBehindProxy();

it('answers 503 while the database is gone, never accepts unchecked, and heals by itself', async () => {
  const user = await b.register();
  expect((await b.gql(ME, {}, { token: user.accessToken })).errors).toBeUndefined();

  proxy.cut();
  await waitFor(() => !b.server.services.revocationCheck.status().synced, 3000, 'B notices', 10);

  const during = await b.gql(ME, {}, { token: user.accessToken });
  expect(during.status).toBe(503);
  expect(errorCode(during)).toBe('SERVICE_UNAVAILABLE');
  expect(during.text).not.toMatch(/stacktrace|ECONNREFUSED|postgres/i);

  // Public, database-free operations keep working; those that need the database say 503.
  expect((await b.gql<{ __typename: string }>('{ __typename }')).data?.__typename).toBe('Query');
  const login = await b.gql(
    'mutation { login(email: "x@example.com", password: "whatever-password") { accessToken } }',
  );
  expect(login.status).toBe(503);
  expect(errorCode(login)).toBe('SERVICE_UNAVAILABLE');
  expect((await fetch(`${b.baseUrl}/readyz`)).status).toBe(503);
  expect((await fetch(`${b.baseUrl}/healthz`)).status).toBe(200);
  const metrics = (await scrape(b)).text;
  expect(sample(metrics, 'token_warden_database_errors_total', { kind: 'unavailable' })).toBeGreaterThanOrEqual(1);
  expect(sample(metrics, 'token_warden_revocation_mirror_synced')).toBe(0);

  proxy.restore();
  const healedMs = await waitFor(() => b.server.services.revocationCheck.status().synced, 10_000, 'B heals', 20);
  console.log(`database back: B in sync again after ${healedMs.toFixed(0)} ms`);
  expect((await b.gql(ME, {}, { token: user.accessToken })).errors).toBeUndefined();
  expect((await fetch(`${b.baseUrl}/readyz`)).status).toBe(200);
  expect(unhandled).toEqual([]);
});
