import type { RevocationBusConfig } from '../../config/revocation.config';
import type { DatabaseHandle } from '../../db/database';
import { PostgresRevocationBus } from './postgres.bus';
import type { LogReader, RevocationBus } from './revocation-bus';

export interface BusReporting {
  onError(message: string, error: unknown): void;
  onWarning(message: string): void;
}

/** A notification comes back from the server within this or not at all. */
const PROBE_TIMEOUT_MS = 1000;

export function createRevocationBus(
  config: RevocationBusConfig,
  database: DatabaseHandle,
  _readLog: LogReader,
  reporting: BusReporting,
): RevocationBus {
  switch (config.kind) {
    case 'postgres':
      return new PostgresRevocationBus(database, { probeTimeoutMs: PROBE_TIMEOUT_MS, ...reporting });
    case 'nats':
    case 'redis':
      throw new Error(`REVOCATION_BUS=${config.kind} is not available yet`);
  }
}
