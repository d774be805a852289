// Holds the bench's idle WebSockets in a process of their own, so that their memory and their
// keep-alive pongs weigh on neither the load generator nor the server being measured.
import type WebSocket from 'ws';
import type { SocketHolderCommand, SocketHolderMessage } from './ipc';
import { openSocket } from './sockets';

const BATCH = 250;
const sockets: WebSocket[] = [];

function send(message: SocketHolderMessage): void {
  process.send?.(message);
}

async function open(url: string, tokens: string[]): Promise<void> {
  for (let start = 0; start < tokens.length; start += BATCH) {
    sockets.push(...(await Promise.all(tokens.slice(start, start + BATCH).map((token) => openSocket(url, token)))));
  }
}

process.on('message', (command: SocketHolderCommand) => {
  if (command.type === 'open') {
    open(command.url, command.tokens).then(
      () => send({ type: 'opened', count: sockets.length }),
      (error: unknown) => send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
    return;
  }
  for (const socket of sockets) socket.terminate();
  process.exit(0);
});

// The bench is gone (finished or failed): nothing is left to hold the sockets for.
process.on('disconnect', () => process.exit(0));
