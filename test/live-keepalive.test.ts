import WebSocket from 'ws';
import { useTestServer } from './support/shared-server';

/** An acknowledged graphql-transport-ws socket that answers pings only when `answersPings`. */
async function openSocket(url: string, token: string, answersPings: boolean) {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { autoPong: answersPings });
  let pings = 0;
  socket.on('ping', () => {
    pings += 1;
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.on('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })),
    );
    socket.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { type?: string }).type === 'connection_ack') resolve();
    });
    socket.on('error', reject);
  });
  return { socket, closed, pings: () => pings };
}

describe('WebSocket keep-alive', () => {
  const server = useTestServer({ env: { WS_KEEPALIVE_SECONDS: '1' } });

  it('pings every socket and terminates one whose peer stopped answering, leaving the others open', async () => {
    const user = await server.register();
    const alive = await openSocket(server.url, user.accessToken, true);
    const dead = await openSocket(server.url, user.accessToken, false);

    // Unanswered, the first ping is followed one interval later by the end of the socket.
    const code = await Promise.race([
      dead.closed,
      new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 5000)),
    ]);
    expect(code).toBe(1006);
    expect(dead.pings()).toBeGreaterThanOrEqual(1);

    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(alive.pings()).toBeGreaterThanOrEqual(2);
    expect(alive.socket.readyState).toBe(WebSocket.OPEN);
    alive.socket.close();
    await alive.closed;
  });
});
