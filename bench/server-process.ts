// A Token Warden server run as a child of the bench: the same server `main.ts` starts, reporting
// its start-up time, heap and database statements over IPC.
import 'reflect-metadata';
import { resolveDevSecret } from '../src/auth/dev-secret';
import { systemClock } from '../src/clock';
import { loadConfig } from '../src/config';
import { openDatabase, targetFor } from '../src/db/client';
import { createLogger } from '../src/observability/logger';
import { createServer, type TokenWardenServer } from '../src/server';
import { backgroundJobOf } from './background-statements';
import type { BenchCommand, ServerMessage } from './ipc';
import { trackProcessStats } from './process-stats';

const processStats = trackProcessStats();
const CHEAP_SCRYPT = { N: 1024, r: 1, p: 1 };

function send(message: ServerMessage): void {
  process.send?.(message);
}

function heapUsedAfterGc(): number {
  global.gc?.();
  return process.memoryUsage().heapUsed;
}

/**
 * The login bench's comparison, on one server: its sealer stopped, or running again after it has
 * sealed what was written while it was stopped (a backlog no running sealer would have).
 */
async function setAuditSealing(server: TokenWardenServer, on: boolean): Promise<void> {
  const { auditChain } = server.services;
  await auditChain.stop();
  if (!on) return;
  await auditChain.seal();
  auditChain.start();
}

async function serve(): Promise<void> {
  const config = resolveDevSecret(loadConfig());
  let statements = 0;
  let backgroundStatements = 0;
  const database = await openDatabase(targetFor(config.databaseUrl, config.dataDir, config.databaseDirectUrl), {
    onQuery: (text) => {
      statements += 1;
      if (backgroundJobOf(text) !== null) backgroundStatements += 1;
    },
    statementTimeoutMs: config.databaseStatementTimeoutMs,
  });
  await database.migrate();
  const server = await createServer({
    config,
    database,
    clock: systemClock,
    logger: createLogger(config.log),
    // The login bench's servers: a cheap hash, so that a login's database work is what is measured.
    scryptCost: process.argv.includes('--cheap-scrypt') ? CHEAP_SCRYPT : undefined,
  });
  if (config.admin) await server.services.users.bootstrapAdmin(config.admin.email, config.admin.password);

  const started = performance.now();
  const address = await server.start(0, '127.0.0.1');
  const startMs = performance.now() - started;
  const status = server.services.revocationCheck.status();

  process.on('message', (command: BenchCommand) => {
    if (command.type === 'stats') {
      send({ type: 'stats', statements, backgroundStatements, ...processStats() });
      return;
    }
    if (command.type === 'heap') {
      send({ type: 'heap', heapUsedBytes: heapUsedAfterGc() });
      return;
    }
    if (command.type === 'status') {
      send({ type: 'status', status: server.services.revocationCheck.status() });
      return;
    }
    if (command.type === 'audit-sealing') {
      void setAuditSealing(server, command.on).then(() => send({ type: 'audit-sealing', on: command.on }));
      return;
    }
    void server
      .stop()
      .then(() => database.close())
      .finally(() => process.exit(0));
  });
  send({
    type: 'ready',
    port: address.port,
    startMs,
    heapUsedBytes: heapUsedAfterGc(),
    mirrorSize: config.revocationCheck === 'mirror' ? status.size : null,
  });
}

serve().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
