// The framework's own limit: Apollo Server 5 on Express 5 serving the committed schema.graphql,
// with no plugins, no logging and no context. Speaks the same IPC as server-process.ts.
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { buildSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
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
  const started = performance.now();
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;

  process.on('message', (command: BenchCommand) => {
    if (command.type === 'stats') {
      send({ type: 'stats', statements: 0, ...processStats() });
      return;
    }
    if (command.type === 'heap') {
      global.gc?.();
      send({ type: 'heap', heapUsedBytes: process.memoryUsage().heapUsed });
      return;
    }
    httpServer.closeAllConnections();
    void apollo.stop().finally(() => process.exit(0));
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
