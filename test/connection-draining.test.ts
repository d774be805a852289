import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { ConnectionDraining } from '../src/http/connection-draining';
import { msToSettle, settlesWithin, waitFor } from './support/wait';

/** A server whose `/slow` answers only when told to and whose `/hang` never answers. */
async function startServer(draining: ConnectionDraining) {
  const waiting: ServerResponse[] = [];
  const server = createServer((req, res) => {
    draining.track(res);
    if (req.url === '/fast') res.end('fast');
    else waiting.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, waiting };
}

/** A kept-alive connection that collects whatever the server writes and notes when it closes. */
function openConnection(port: number) {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const send = (path: string) => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  return { socket, closed, send, received: () => received };
}

const WAIT_MS = 2_000;
/** The bound on a cut after a 200 ms grace: five times the grace, room for a late timer on a busy machine. */
const CUT_WITHIN_MS = 1_000;

const isOpen = (socket: Socket) => !socket.destroyed && socket.readyState === 'open';

describe('ConnectionDraining.drain', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  /** A server with its draining, closed after the test. */
  const serve = async () => {
    const draining = new ConnectionDraining();
    const started = await startServer(draining);
    server = started.server;
    return { draining, ...started };
  };

  /** A connection whose request the server holds: answered only when the test says so, if ever. */
  const holdRequest = async (started: Awaited<ReturnType<typeof serve>>, path: string) => {
    const connection = openConnection(started.port);
    connection.send(path);
    await waitFor(() => started.waiting.length === 1, WAIT_MS, `the server holding ${path}`);
    return connection;
  };

  it('closes idle kept-alive connections at once and lets a request in flight finish with Connection: close', async () => {
    const started = await serve();
    const idle = openConnection(started.port);
    idle.send('/fast');
    await waitFor(() => idle.received().includes('fast'), WAIT_MS, 'the answer to /fast');
    const busy = await holdRequest(started, '/slow');

    let drained = false;
    const drain = started.draining.drain(started.server, 5_000).then(() => (drained = true));
    await idle.closed;
    expect(isOpen(busy.socket)).toBe(true);
    expect(drained).toBe(false);

    started.waiting[0]?.end('slow');
    await busy.closed;
    await drain;
    expect(busy.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(busy.received().toLowerCase()).toContain('connection: close');
    expect(busy.received()).toContain('slow');
    expect(started.server.listening).toBe(false);
  });

  it('closes a kept-alive connection once an answer begun before draining ends, instead of serving on', async () => {
    const started = await serve();
    const busy = await holdRequest(started, '/slow');
    const answer = started.waiting[0];
    answer?.writeHead(200, { 'content-length': '4' });
    answer?.flushHeaders();
    await waitFor(() => busy.received().includes('200 OK'), WAIT_MS, 'the headers of /slow');

    const drain = started.draining.drain(started.server, 5_000);
    answer?.end('slow');
    const closedInTime = await settlesWithin(busy.closed, 1_000);
    expect(busy.received().toLowerCase()).toContain('connection: keep-alive');
    expect(busy.received()).toContain('slow');
    expect(closedInTime).toBe(true);
    await drain;
  });

  it('cuts a request that is still unanswered when the grace period ends', async () => {
    const started = await serve();
    const hung = await holdRequest(started, '/hang');

    const cutMs = await msToSettle(
      started.draining.drain(started.server, 200).then(() => hung.closed),
      CUT_WITHIN_MS,
    );
    expect(cutMs).toBeGreaterThanOrEqual(190);
    // A grace that was ignored leaves the request hanging for as long as its client waits.
    expect(cutMs).toBeLessThan(CUT_WITHIN_MS);
    expect(hung.received()).toBe('');
  });

  it('refuses new connections once draining has begun', async () => {
    const started = await serve();
    await started.draining.drain(started.server, 1_000);
    const late = connect(started.port, '127.0.0.1');
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => late.on('error', resolve));
    expect(error.code).toBe('ECONNREFUSED');
  });
});
