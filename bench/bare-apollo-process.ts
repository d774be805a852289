// The framework's own limit: Apollo Server 5 on Express 5 serving the committed schema.graphql,
// with no plugins, no logging and no context. With BARE_WEBSOCKETS=true, graphql-ws's own server
// on the same path, pinging at the service's default interval and accepting every socket
// unchecked. Speaks the same IPC as server-process.ts.
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { DEFAULT_WS_KEEPALIVE_SECONDS } from '../src/config';
import type { BenchCommand, ServerMessage } from './ipc';
import { trackProcessStats } from './process-stats';

const processStats = trackProcessStats();

function send(message: ServerMessage): void {
  process.send?.(message);
}

async function serve(): Promise<void> {
  const schema = buildSchema(readFileSync(join(__dirname, '..', '..', 'schema.graphql'), 'utf8'));
  const apollo = new ApolloServer({ schema });
  await apollo.start();
  const app = express();
  app.use('/graphql', express.json(), expressMiddleware(apollo));
  const httpServer = createServer(app);
  const websockets =
    process.env.BARE_WEBSOCKETS === 'true'
      ? useServer(
          { schema },
          new WebSocketServer({ server: httpServer, path: '/graphql' }),
          DEFAULT_WS_KEEPALIVE_SECONDS * 1000,
        )
      : undefined;
  const started = performance.now();
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;

  process.on('message', (command: BenchCommand) => {
    if (command.type === 'stats') {
      send({ type: 'stats', statements: 0, backgroundStatements: 0, ...processStats() });
      return;
    }
    if (command.type === 'heap') {
      global.gc?.();
      send({ type: 'heap', heapUsedBytes: process.memoryUsage().heapUsed });
      return;
    }
    httpServer.closeAllConnections();
    void Promise.all([websockets?.dispose(), apollo.stop()]).finally(() => process.exit(0));
  });
  global.gc?.();
  send({
    type: 'ready',
    port,
    startMs: performance.now() - started,
    heapUsedBytes: process.memoryUsage().heapUsed,
    mirrorSize: null,
  });
}

serve().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
