import { ConfigError, DAY, integer, oneOf, optionalText, optionalUrl, type Env } from './env';

export type RevocationStrategy = 'mirror' | 'database';

/** How instances learn of new revocation log versions (`REVOCATION_BUS`). */
export const REVOCATION_BUSES = ['postgres', 'nats', 'redis'] as const;
export type RevocationBusName = (typeof REVOCATION_BUSES)[number];

export type RevocationBusConfig =
  | { kind: 'postgres' }
  | { kind: 'nats'; url: string; name: string }
  | { kind: 'redis'; url: string; name: string };

export interface RevocationConfig {
  revocationCheck: RevocationStrategy;
  revocationBus: RevocationBusConfig;
  /** REVOCATION_RECONCILE_MS: the longest a mirror waits between reads of the revocation log while the bus delivers. */
  reconcileIntervalMs: number;
  /** How often it does read the log while the bus delivers: often enough to stay well within the staleness bound. */
  logReadIntervalMs: number;
  /** How often a mirror reads the revocation log while PostgreSQL notifications do not arrive. */
  revocationPollMs: number;
  /** Past this long without proof that it is current, a mirror is not trusted. */
  revocationMaxStalenessMs: number;
  /** How often expired blacklist entries and dead sessions are deleted. */
  cleanupIntervalSeconds: number;
}

const BUS_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function requiredUrl(env: Env, name: string, schemes: readonly string[], bus: string): string {
  const url = optionalUrl(env, name, schemes);
  if (url === undefined) throw new ConfigError(name, `is required with REVOCATION_BUS=${bus}`);
  return url;
}

function busName(env: Env): string {
  const name = optionalText(env, 'REVOCATION_BUS_NAME') ?? 'token-warden';
  if (!BUS_NAME.test(name)) {
    throw new ConfigError('REVOCATION_BUS_NAME', 'must be 1 to 64 letters, digits, "-" or "_"');
  }
  return name;
}

function revocationBus(env: Env): RevocationBusConfig {
  const kind = oneOf(env, 'REVOCATION_BUS', REVOCATION_BUSES, 'postgres');
  switch (kind) {
    case 'postgres':
      return { kind };
    case 'nats':
      return { kind, url: requiredUrl(env, 'NATS_URL', ['nats:', 'tls:'], kind), name: busName(env) };
    case 'redis':
      return { kind, url: requiredUrl(env, 'REDIS_URL', ['redis:', 'rediss:'], kind), name: busName(env) };
  }
}

export function revocationConfig(env: Env): RevocationConfig {
  const revocationMaxStalenessMs = integer(env, 'REVOCATION_MAX_STALENESS_MS', 2000, 200, 600_000);
  const revocationPollMs = integer(env, 'REVOCATION_POLL_MS', 100, 10, 60_000);
  // Two polls must fit in the staleness bound, or one slow read would make the mirror stale.
  if (revocationPollMs * 2 > revocationMaxStalenessMs) {
    throw new ConfigError(
      'REVOCATION_POLL_MS',
      `must be at most half of REVOCATION_MAX_STALENESS_MS (${revocationMaxStalenessMs}), got ${revocationPollMs}`,
    );
  }
  const reconcileIntervalMs = integer(env, 'REVOCATION_RECONCILE_MS', 1000, 50, 60_000);
  return {
    revocationCheck: oneOf(env, 'REVOCATION_CHECK', ['mirror', 'database'], 'mirror'),
    revocationBus: revocationBus(env),
    reconcileIntervalMs,
    // Four reads per staleness bound: three may fail or be slow before the mirror stops being trusted.
    logReadIntervalMs: Math.min(reconcileIntervalMs, Math.floor(revocationMaxStalenessMs / 4)),
    revocationPollMs,
    revocationMaxStalenessMs,
    cleanupIntervalSeconds: integer(env, 'CLEANUP_INTERVAL_SECONDS', 3600, 1, 7 * DAY),
  };
}
