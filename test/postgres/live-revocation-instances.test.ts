import { LOGOUT, LOGOUT_ALL } from '../support/operations';
import { percentile, waitFor } from '../support/wait';
import { connectLive } from '../support/ws-client';
import { useInstanceBehindProxy, useInstances } from '../support/use-instances';

const SESSION_EVENTS = 'subscription { sessionEvents { kind reason } }';

describe('two instances on one PostgreSQL database', () => {
  const {
    servers: [a, b],
  } = useInstances({}, {});

  it('cuts a socket on B within 100 ms (p99) of a revocation answered by A', async () => {
    const cutMs: number[] = [];
    for (let round = 0; round < 20; round += 1) {
      const user = await a.register();
      const live = connectLive(b.url, { token: user.accessToken });
      await live.connected;
      const events = live.subscribe<{ sessionEvents: { kind: string; reason: string } }>(SESSION_EVENTS);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const logout = await a.gql(LOGOUT, {}, { token: user.accessToken });
      const answered = performance.now();
      expect(logout.errors).toBeUndefined();
      expect((await events.nth(0)).data?.sessionEvents).toEqual({ kind: 'REVOKED', reason: 'logged out' });
      expect((await live.closed).code).toBe(4403);
      cutMs.push(performance.now() - answered);
    }
    console.log(
      `socket cut on B after A answered, over ${cutMs.length} revocations: p50 ${percentile(cutMs, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(cutMs, 99).toFixed(1)} ms`,
    );
    expect(percentile(cutMs, 99)).toBeLessThan(100);
  });

  it('feeds an administrator on B the revocations committed on A', async () => {
    const admin = await b.loginAdmin();
    const live = connectLive(b.url, { token: admin.accessToken });
    await live.connected;
    const feed = live.subscribe<{ revocations: { kind: string; userId: string | null } }>(
      'subscription { revocations { kind userId } }',
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const user = await a.register();
    await a.gql(LOGOUT_ALL, {}, { token: user.accessToken });
    expect((await feed.nth(0)).data?.revocations).toEqual({ kind: 'USER', userId: user.user.id });
    await live.dispose();
  });
});

describe('an instance that loses its database', () => {
  const {
    proxy,
    servers: [b],
  } = useInstanceBehindProxy();

  it('closes its authenticated sockets with 4403, refuses new ones with 1013, and admits them again once healed', async () => {
    const user = await b.register();
    const live = connectLive(b.url, { token: user.accessToken });
    await live.connected;
    const anonymous = connectLive(b.url);
    await anonymous.connected;

    proxy.cut();
    expect(await live.closed).toEqual({ code: 4403, reason: 'revocation state unsynced' });
    const refused = connectLive(b.url, { token: user.accessToken });
    expect((await refused.closed).code).toBe(1013);

    proxy.restore();
    await waitFor(() => b.server.services.revocationCheck.status().synced, 10_000, 'B heals', 20);
    const again = connectLive(b.url, { token: user.accessToken });
    await again.connected;
    await Promise.all([again.dispose(), anonymous.dispose()]);
  });
});
