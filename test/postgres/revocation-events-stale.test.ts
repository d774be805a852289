import { basicAuth, nextHeartbeat, openEvents, readState } from '../support/revocation-events';
import { waitFor } from '../support/wait';
import { useInstanceBehindProxy } from '../support/use-instances';

const CLIENT = 'orders-api';
const SECRET = 'an-orders-api-secret-of-at-least-32-chars';

const {
  proxy,
  servers: [b],
} = useInstanceBehindProxy({ env: { OAUTH_CLIENTS: `${CLIENT}:${SECRET}` } });

it('while the instance cannot prove it is current, its heartbeats say current: false; then true again', async () => {
  const reader = await openEvents(b.baseUrl, basicAuth(CLIENT, SECRET));
  try {
    const { state } = await readState(reader);
    expect(await nextHeartbeat(reader, 1500)).toMatchObject({
      version: state.version,
      current: true,
    });

    proxy.cut();
    await waitFor(() => !b.server.services.revocationCheck.status().synced, 5000, 'B notices', 10);
    const noticedAt = performance.now();
    // From the next heartbeat on, none claims currency until the mirror proves it again.
    const heartbeatSince = (since: number) =>
      reader.next((event) => event.event === 'heartbeat' && event.at > since, 1500);
    const stale = await heartbeatSince(noticedAt);
    expect(JSON.parse(stale.data)).toMatchObject({ version: state.version, current: false });
    const later = await heartbeatSince(stale.at);
    expect(JSON.parse(later.data)).toMatchObject({ current: false });

    proxy.restore();
    await waitFor(() => b.server.services.revocationCheck.status().synced, 10_000, 'B heals', 20);
    const healed = await reader.next((event) => event.event === 'heartbeat' && event.data.includes('"current":true'));
    expect(healed.data).toContain(`"version":${state.version}`);
  } finally {
    reader.close();
  }
});
