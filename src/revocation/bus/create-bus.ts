import type { RevocationBusConfig } from '../../config/revocation.config';
import type { DatabaseHandle } from '../../db/database';
import { NatsRevocationBus } from './nats.bus';
import { PostgresRevocationBus } from './postgres.bus';
import { RedisRevocationBus } from './redis.bus';
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
  log: LogReader,
  reporting: BusReporting,
): RevocationBus {
  const onError = (message: string, error?: unknown) => reporting.onError(message, error ?? null);
  switch (config.kind) {
    case 'postgres':
      return new PostgresRevocationBus(database, { probeTimeoutMs: PROBE_TIMEOUT_MS, ...reporting });
    case 'nats':
      return new NatsRevocationBus({ url: config.url, deployment: config.name, log, onError });
    case 'redis':
      return new RedisRevocationBus({ url: config.url, deployment: config.name, log, onError });
  }
}
