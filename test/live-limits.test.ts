import WebSocket from 'ws';
import { TcpProxy } from './support/tcp-proxy';
import { useTestServer } from './support/shared-server';
import { startTestServer } from './support/test-server';
import { msToSettle } from './support/wait';
import { connectLive, type Closed } from './support/ws-client';

const SESSION_EVENTS = 'subscription { sessionEvents { kind reason at } }';
const APP_ORIGIN = 'http://127.0.0.1:5173';
/** The bound on a shutdown with SHUTDOWN_GRACE_SECONDS=1: the grace, and 2 s for a busy machine. */
const STOPPED_WITHIN_MS = 3_000;

/** A raw socket speaking graphql-transport-ws, for what the stock client never sends. */
function rawSocket(url: string, origin?: string) {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', origin ? { origin } : {});
  const closed = new Promise<Closed>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const opened = new Promise<number>((resolve) => {
    socket.on('open', () => resolve(101));
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
  });
  socket.on('error', () => undefined);
  return { socket, closed, opened };
}

describe('WebSocket limits, each refused with its own close code or error', () => {
  const server = useTestServer({
    env: {
      WS_CONNECTION_INIT_TIMEOUT_MS: '300',
      WS_MAX_MESSAGE_BYTES: '2048',
      WS_MAX_SOCKETS_PER_USER: '2',
      WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '2',
      GRAPHQL_MAX_ALIASES: '1',
      CORS_ORIGINS: APP_ORIGIN,
    },
  });

  it('closes a socket that never sends connection_init with 4408', async () => {
    const { closed } = rawSocket(server.url);
    expect((await closed).code).toBe(4408);
  });

  it('closes a socket that sends a message over WS_MAX_MESSAGE_BYTES with 1009', async () => {
    const { socket, closed, opened } = rawSocket(server.url);
    await opened;
    socket.send(JSON.stringify({ type: 'connection_init', payload: { padding: 'x'.repeat(4096) } }));
    expect((await closed).code).toBe(1009);
  });

  it('closes a user’s socket past WS_MAX_SOCKETS_PER_USER with 1008, and admits it again once one closes', async () => {
    const user = await server.register();
    const first = connectLive(server.url, { token: user.accessToken });
    const second = connectLive(server.url, { token: user.accessToken });
    await Promise.all([first.connected, second.connected]);
    const third = connectLive(server.url, { token: user.accessToken });
    expect(await third.closed).toEqual({ code: 1008, reason: 'Too many sockets for this user' });
    await first.dispose();
    await first.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const fourth = connectLive(server.url, { token: user.accessToken });
    await fourth.connected;
    await Promise.all([second.dispose(), fourth.dispose()]);
  });

  it('answers a subscription past WS_MAX_SUBSCRIPTIONS_PER_SOCKET with TOO_MANY_REQUESTS', async () => {
    const user = await server.register();
    const live = connectLive(server.url, { token: user.accessToken });
    await live.connected;
    live.subscribe(SESSION_EVENTS);
    live.subscribe(SESSION_EVENTS);
    const third = live.subscribe(SESSION_EVENTS);
    await third.done;
    expect(third.refusal()?.[0]?.extensions?.code).toBe('TOO_MANY_REQUESTS');
    expect(third.refusal()?.[0]?.message).toContain('WS_MAX_SUBSCRIPTIONS_PER_SOCKET');
    await live.dispose();
  });

  it('applies the GraphQL limits to subscription documents', async () => {
    const live = connectLive(server.url);
    await live.connected;
    const aliased = live.subscribe('subscription { events: sessionEvents { k1: kind k2: kind } }');
    await aliased.done;
    expect(aliased.refusal()?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(aliased.refusal()?.[0]?.message).toBe(
      "The query's alias count is 3, over the limit of 1 (GRAPHQL_MAX_ALIASES).",
    );
    const directed = live.subscribe(`subscription { sessionEvents ${'@include(if: true) '.repeat(21)}{ kind } }`);
    await directed.done;
    expect(directed.refusal()?.[0]?.message).toBe(
      "The query's directive count is 21, over the limit of 20 (GRAPHQL_MAX_DIRECTIVES).",
    );
    const broken = live.subscribe('subscription { sessionEvents {');
    await broken.done;
    expect(broken.refusal()?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const unknown = live.subscribe('subscription { nothingHere }');
    await unknown.done;
    expect(unknown.refusal()?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    await live.dispose();
  });

  it('accepts the upgrade from a listed origin and from no origin, and refuses an unlisted one with 403', async () => {
    expect(await rawSocket(server.url, APP_ORIGIN).opened).toBe(101);
    expect(await rawSocket(server.url).opened).toBe(101);
    expect(await rawSocket(server.url, 'http://127.0.0.1:6666').opened).toBe(403);
  });
});

describe('a socket whose access token expires', () => {
  const server = useTestServer({ env: { ACCESS_TOKEN_TTL: '10' } });

  it('is closed with 4403 TOKEN_EXPIRED', async () => {
    const user = await server.register();
    const live = connectLive(server.url, { token: user.accessToken });
    await live.connected;
    server.clock.advance(11_000);
    expect(await live.closed).toEqual({ code: 4403, reason: 'TOKEN_EXPIRED' });
  });
});

describe('shutdown', () => {
  it('closes open sockets with 1001 and stops', async () => {
    const server = await startTestServer();
    const user = await server.register();
    const live = connectLive(server.url, { token: user.accessToken });
    await live.connected;
    const anonymous = connectLive(server.url);
    await anonymous.connected;
    await server.stop();
    expect((await live.closed).code).toBe(1001);
    expect((await anonymous.closed).code).toBe(1001);
  });

  it('cuts a socket that never answers the 1001 once SHUTDOWN_GRACE_SECONDS have passed', async () => {
    const server = await startTestServer({ env: { SHUTDOWN_GRACE_SECONDS: '1' } });
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
    try {
      const user = await server.register();
      const live = connectLive(proxy.route(server.url), { token: user.accessToken });
      await live.connected;
      // From here the client sees no close frame and sends none: without the cut, the server
      // would wait for its close handshake (30 s in ws) and shutdown with it.
      proxy.freeze();
      const stopMs = await msToSettle(server.stop(), STOPPED_WITHIN_MS);
      console.log(`shutdown with a silent peer: ${stopMs.toFixed(0)} ms (grace 1000 ms)`);
      expect(stopMs).toBeGreaterThanOrEqual(900);
      // Ignored, the setting would leave the default 10 s grace, or ws's 30 s wait for the handshake.
      expect(stopMs).toBeLessThan(STOPPED_WITHIN_MS);
      // The server ended the connection, so the proxy ended the client's side: no close frame reached it.
      expect((await live.closed).code).toBe(1006);
    } finally {
      await proxy.close();
    }
  });
});
