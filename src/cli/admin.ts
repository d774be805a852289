#!/usr/bin/env node
import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { resolveDevSecret } from '../auth/dev-secret';
import { systemClock } from '../clock';
import { ConfigError, loadConfig } from '../config';
import { openDatabase, targetFor } from '../db/client';
import { EmbeddedDatabaseBusyError } from '../db/embedded-lock';
import { isDatabaseUnavailable } from '../db/errors';
import { AppError } from '../errors';
import { createLogger } from '../observability/logger';
import { Metrics } from '../observability/metrics';
import { Telemetry } from '../observability/telemetry';
import { createDomainServices } from '../services';
import { CommandFailure, UsageError, type CommandIo } from './admin.command';
import { COMMANDS, USAGE } from './admin.commands';

/** The commands that only read the audit trail: they seal nothing, so they change nothing they report on. */
const AUDIT_READERS: ReadonlySet<string> = new Set(['export-audit', 'verify-audit']);

const io: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  stdout: process.stdout,
  readStdinLine: async () => {
    const lines = createInterface({ input: process.stdin });
    for await (const line of lines) {
      lines.close();
      return line;
    }
    throw new UsageError('--password-stdin: standard input was empty');
  },
};

/** Runs one command; resolves with the process exit code: 0 done, 1 refused or failed, 2 misused. */
export async function runAdminCommand(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? process.stderr : process.stdout).write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`token-warden-admin: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    const run = command(args);
    const config = resolveDevSecret(loadConfig());
    const database = await openDatabase(targetFor(config.databaseUrl, config.dataDir, config.databaseDirectUrl), {
      statementTimeoutMs: config.databaseStatementTimeoutMs,
    });
    try {
      await database.migrate();
      const telemetry = new Telemetry(createLogger({ level: 'warn', pretty: false }, process.stderr), new Metrics());
      const services = createDomainServices(config, database, systemClock, telemetry);
      try {
        // `revoke --token` verifies the token, so the keys it may be signed with are read first.
        await services.keyRing.reload();
        await run(services, io);
        // What the command wrote is sealed now: with the embedded database no service runs to do it.
        if (!AUDIT_READERS.has(name)) await services.auditChain.seal();
        return 0;
      } finally {
        // What the command revoked is in the log already; the bus only hurries it to the instances.
        await services.revocationBus.stop();
      }
    } finally {
      await database.close();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`token-warden-admin ${name}: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    const known =
      error instanceof AppError ||
      error instanceof ConfigError ||
      error instanceof EmbeddedDatabaseBusyError ||
      error instanceof CommandFailure;
    const message = known
      ? (error as Error).message
      : isDatabaseUnavailable(error)
        ? `the database cannot be reached (${error instanceof Error ? error.message : String(error)})`
        : String(error);
    process.stderr.write(`token-warden-admin ${name}: ${message}\n`);
    return 1;
  }
}

if (require.main === module) {
  void runAdminCommand(process.argv.slice(2)).then((code) => process.exit(code));
}
