import { sample, scrape } from './support/prometheus';
import { errorCode } from './support/graphql-client';
import { LOGOUT, LOGOUT_ALL, ME, PURGE } from './support/operations';
import { useTestServer } from './support/shared-server';
import { waitFor } from './support/wait';

describe('GET /metrics', () => {
  const server = useTestServer();

  it('serves Prometheus text with the process metrics under their standard, unprefixed names', async () => {
    const { status, type, text } = await scrape(server);
    expect(status).toBe(200);
    expect(type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    expect(text).toContain('# TYPE nodejs_heap_size_used_bytes gauge');
    expect(text).not.toMatch(/^token_warden_(process|nodejs)_/m);
  });

  it('counts requests by root field and outcome, and auth rejections by code', async () => {
    const before = (await scrape(server)).text;
    const user = await server.register();
    await server.gql(ME, {}, { token: user.accessToken });
    await server.gql(ME, {}, { token: user.accessToken });
    await server.gql(LOGOUT, {}, { token: user.accessToken });
    expect(errorCode(await server.gql(ME, {}, { token: user.accessToken }))).toBe('TOKEN_REVOKED');
    expect(errorCode(await server.gql(ME))).toBe('UNAUTHENTICATED');
    const after = (await scrape(server)).text;

    const grew = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(grew('token_warden_graphql_requests_total', { operation: 'me', outcome: 'ok' })).toBe(2);
    expect(grew('token_warden_graphql_requests_total', { operation: 'register', outcome: 'ok' })).toBe(1);
    expect(grew('token_warden_graphql_requests_total', { operation: 'none', outcome: 'TOKEN_REVOKED' })).toBe(1);
    expect(grew('token_warden_auth_rejections_total', { code: 'TOKEN_REVOKED' })).toBe(1);
    expect(grew('token_warden_auth_rejections_total', { code: 'UNAUTHENTICATED' })).toBe(1);
    expect(grew('token_warden_revocations_total', { kind: 'token' })).toBe(1);
  });

  it('counts a revoked signing key as kind "key"', async () => {
    const { accessToken } = await server.loginAdmin();
    const rotated = await server.gql<{ rotateSigningKey: { kid: string } }>(
      'mutation { rotateSigningKey { kid } }',
      {},
      { token: accessToken },
    );
    const before = (await scrape(server)).text;
    const revoked = await server.gql(
      'mutation($kid: String!) { revokeSigningKey(kid: $kid) { kid } }',
      { kid: rotated.data?.rotateSigningKey.kid },
      { token: accessToken },
    );
    expect(revoked.errors).toBeUndefined();
    const after = (await scrape(server)).text;
    expect(
      sample(after, 'token_warden_revocations_total', { kind: 'key' }) -
        sample(before, 'token_warden_revocations_total', { kind: 'key' }),
    ).toBe(1);
  });

  it('reports the mirror: size, sync and user cutoffs', async () => {
    const before = (await scrape(server)).text;
    const user = await server.register();
    await server.login(user.user.email, user.password);
    await server.gql(LOGOUT, {}, { token: user.accessToken });
    await server.gql(LOGOUT_ALL, {}, { token: (await server.login(user.user.email, user.password)).accessToken });
    const after = (await scrape(server)).text;

    expect(sample(after, 'token_warden_revocation_mirror_synced')).toBe(1);
    expect(sample(after, 'token_warden_revocation_mirror_size')).toBe(
      sample(before, 'token_warden_revocation_mirror_size') + 1,
    );
    expect(sample(after, 'token_warden_revocation_mirror_users_with_cutoff')).toBe(
      sample(before, 'token_warden_revocation_mirror_users_with_cutoff') + 1,
    );
    expect(
      sample(after, 'token_warden_revocations_total', { kind: 'user' }) -
        sample(before, 'token_warden_revocations_total', { kind: 'user' }),
    ).toBe(1);
  });

  it('reports the revocation bus: its mode, the version applied, how fresh the proof of it is, catch-ups and reloads', async () => {
    const check = server.server.services.revocationCheck;
    await waitFor(() => check.status().sinceCurrentMs !== null, 2000, 'proven current once');
    const before = (await scrape(server)).text;
    const applied = (check.status().appliedVersion ?? 0) + 1;
    const user = await server.register();
    await server.gql(LOGOUT, {}, { token: user.accessToken });
    // The logout's own version reaches this instance through the bus, after the answer.
    await waitFor(
      () => (check.status().appliedVersion ?? 0) >= applied,
      server.config.revocationMaxStalenessMs,
      'applied',
    );
    const after = (await scrape(server)).text;
    const status = check.status();

    expect(sample(after, 'token_warden_revocation_bus', { bus: 'postgres', mode: 'notify' })).toBe(1);
    expect(sample(after, 'token_warden_revocation_log_applied_version')).toBeGreaterThan(
      sample(before, 'token_warden_revocation_log_applied_version'),
    );
    expect(sample(after, 'token_warden_revocation_log_applied_version')).toBeLessThanOrEqual(
      status.appliedVersion ?? 0,
    );
    const sinceCurrent = sample(after, 'token_warden_revocation_seconds_since_current');
    expect(sinceCurrent).toBeGreaterThanOrEqual(0);
    expect(sinceCurrent).toBeLessThan(server.config.revocationMaxStalenessMs / 1000);
    // The instance's one load at start; nothing since needed another.
    expect(sample(after, 'token_warden_revocation_full_reloads_total')).toBe(1);
    expect(sample(after, 'token_warden_revocation_log_catch_ups_total')).toBeGreaterThanOrEqual(0);
  });

  it('counts cleanup runs and the rows they deleted', async () => {
    const user = await server.register();
    await server.gql(LOGOUT, {}, { token: user.accessToken });
    const before = (await scrape(server)).text;
    server.clock.advance((server.config.jwt.accessTokenTtlSeconds + 60) * 1000);
    const purged = await server.gql<{ purgeExpiredTokens: number }>(
      PURGE,
      {},
      { token: (await server.loginAdmin()).accessToken },
    );
    expect(purged.data?.purgeExpiredTokens).toBeGreaterThanOrEqual(1);
    const after = (await scrape(server)).text;
    expect(
      sample(after, 'token_warden_cleanup_runs_total', { result: 'ok' }) -
        sample(before, 'token_warden_cleanup_runs_total', { result: 'ok' }),
    ).toBe(1);
    expect(
      sample(after, 'token_warden_cleanup_deleted_rows_total', { table: 'blacklisted_tokens' }) -
        sample(before, 'token_warden_cleanup_deleted_rows_total', { table: 'blacklisted_tokens' }),
    ).toBe(purged.data?.purgeExpiredTokens);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  const token = 'metrics-scraper-token-for-tests';
  const server = useTestServer({ env: { METRICS_TOKEN: token } });

  it('needs that bearer token', async () => {
    expect((await scrape(server)).status).toBe(401);
    expect((await scrape(server, 'wrong-token')).status).toBe(401);
    const allowed = await scrape(server, token);
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain('token_warden_graphql_requests_total');
  });
});
