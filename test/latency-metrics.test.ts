import { connect } from 'node:net';
import { sample, scrape } from './support/prometheus';
import { ME } from './support/operations';
import { useTestServer } from './support/shared-server';
import { waitFor } from './support/wait';
import { connectLive } from './support/ws-client';

const HTTP = 'token_warden_graphql_request_duration_seconds';
const WS = 'token_warden_graphql_ws_subscribe_duration_seconds';
const SESSION_EVENTS = 'subscription { sessionEvents { kind } }';

/** POSTs `{ __typename }` with its body held back for `pauseMs` after the headers: a request known to take that long. */
function slowTypenameRequest(port: number, pauseMs: number): Promise<string> {
  const body = JSON.stringify({ query: '{ __typename }' });
  const head = `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(head + body.slice(0, 5));
      setTimeout(() => socket.end(body.slice(5)), pauseMs);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

describe('latency histograms on GET /metrics', () => {
  const server = useTestServer();

  const grew = (before: string, after: string, name: string, labels: Record<string, string>) =>
    sample(after, name, labels) - sample(before, name, labels);

  it('time every HTTP request by root field and outcome, in buckets from 0.5 ms to 5 s', async () => {
    const user = await server.register();
    const before = (await scrape(server)).text;
    await server.gql(ME, {}, { token: user.accessToken });
    await server.gql(ME, {}, { token: user.accessToken });
    await server.gql(ME);
    const after = (await scrape(server)).text;

    const me = { operation: 'me', outcome: 'ok' };
    expect(grew(before, after, `${HTTP}_count`, me)).toBe(2);
    expect(grew(before, after, `${HTTP}_bucket`, { ...me, le: '+Inf' })).toBe(2);
    expect(grew(before, after, `${HTTP}_sum`, me)).toBeGreaterThan(0);
    expect(grew(before, after, `${HTTP}_count`, { operation: 'me', outcome: 'UNAUTHENTICATED' })).toBe(1);
    const bounds = [
      ...after.matchAll(new RegExp(`^${HTTP}_bucket\\{le="([^"]+)",operation="me",outcome="ok"\\}`, 'gm')),
    ];
    expect(bounds.map((match) => match[1])).toEqual([
      '0.0005',
      '0.001',
      '0.0025',
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2.5',
      '5',
      '+Inf',
    ]);
    // The histogram agrees with the request counter it sits beside.
    expect(grew(before, after, 'token_warden_graphql_requests_total', me)).toBe(2);
  });

  it('put a request that took 200 ms above the 100 ms bucket', async () => {
    const series = { operation: '__typename', outcome: 'ok' };
    const before = (await scrape(server)).text;
    const answer = await slowTypenameRequest(Number(new URL(server.url).port), 200);
    expect(answer).toContain('{"data":{"__typename":"Query"}}');
    const after = (await scrape(server)).text;

    expect(grew(before, after, `${HTTP}_count`, series)).toBe(1);
    expect(grew(before, after, `${HTTP}_bucket`, { ...series, le: '0.1' })).toBe(0);
    expect(grew(before, after, `${HTTP}_bucket`, { ...series, le: '5' })).toBe(1);
    expect(grew(before, after, `${HTTP}_sum`, series)).toBeGreaterThan(0.1);
  });

  it('time each WebSocket subscribe until its stream runs or it is refused', async () => {
    const user = await server.register();
    const before = (await scrape(server)).text;

    const signedIn = connectLive(server.url, { token: user.accessToken });
    await signedIn.connected;
    const running = signedIn.subscribe(SESSION_EVENTS);
    const broken = signedIn.subscribe('subscription { sessionEvents {');
    await broken.done;
    const anonymous = connectLive(server.url);
    await anonymous.connected;
    const refused = anonymous.subscribe(SESSION_EVENTS);
    await refused.done;
    expect(refused.refusal()?.[0]?.extensions?.code ?? refused.results[0]?.errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    let after = '';
    // No message tells the client its stream runs; the histogram does once it is counted.
    await waitFor(
      async () => {
        after = (await scrape(server)).text;
        return grew(before, after, `${WS}_count`, { operation: 'sessionEvents', outcome: 'ok' }) > 0;
      },
      5000,
      'the running subscription counted',
      20,
    );

    expect(grew(before, after, `${WS}_count`, { operation: 'sessionEvents', outcome: 'ok' })).toBe(1);
    expect(grew(before, after, `${WS}_bucket`, { operation: 'sessionEvents', outcome: 'ok', le: '5' })).toBe(1);
    expect(grew(before, after, `${WS}_count`, { operation: 'sessionEvents', outcome: 'UNAUTHENTICATED' })).toBe(1);
    expect(grew(before, after, `${WS}_count`, { operation: 'none', outcome: 'GRAPHQL_PARSE_FAILED' })).toBe(1);
    expect(running.results).toEqual([]);
    await Promise.all([signedIn.dispose(), anonymous.dispose()]);
  });
});
