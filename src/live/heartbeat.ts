import type { WebSocket, WebSocketServer } from 'ws';

/** Ticks per keep-alive interval; each socket is pinged on the tick it drew. */
const SLOTS = 300;

/**
 * Pings every socket once per `intervalMs` and terminates one that has not answered its previous
 * ping: a dead peer is gone within two intervals, and proxies see traffic well inside their idle
 * timeout. graphql-ws's own keep-alive starts an interval per socket when it connects, so sockets
 * that connected together (every client, after a restart) were pinged together: 10 000 of them
 * every 30 s, a burst that cut HTTP throughput by a fifth while it lasted. Here each socket draws
 * a random slot of the interval, and one timer serves them all.
 */
export function startHeartbeat(wss: WebSocketServer, intervalMs: number): () => void {
  const slots: Set<WebSocket>[] = Array.from({ length: SLOTS }, () => new Set());
  const awaitingPong = new WeakSet<WebSocket>();
  function answered(this: WebSocket): void {
    awaitingPong.delete(this);
  }

  wss.on('connection', (socket: WebSocket) => {
    const slot = slots[Math.floor(Math.random() * SLOTS)] ?? new Set();
    slot.add(socket);
    socket.on('pong', answered);
    socket.once('close', () => slot.delete(socket));
  });

  let tick = 0;
  const timer = setInterval(
    () => {
      const slot = slots[tick] ?? new Set();
      tick = (tick + 1) % SLOTS;
      for (const socket of slot) {
        if (awaitingPong.has(socket)) {
          socket.terminate();
          continue;
        }
        if (socket.readyState !== socket.OPEN) continue;
        awaitingPong.add(socket);
        socket.ping();
      }
    },
    Math.max(1, Math.floor(intervalMs / SLOTS)),
  );
  timer.unref();
  return () => clearInterval(timer);
}
