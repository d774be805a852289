import { DAY, integer, oneOf, type Env } from './env';

export type RevocationStrategy = 'mirror' | 'database';

export interface RevocationConfig {
  revocationCheck: RevocationStrategy;
  /** How often a mirror compares its feed version with the database's. */
  reconcileIntervalMs: number;
  /** How often expired blacklist entries and dead sessions are deleted. */
  cleanupIntervalSeconds: number;
}

export function revocationConfig(env: Env): RevocationConfig {
  return {
    revocationCheck: oneOf(env, 'REVOCATION_CHECK', ['mirror', 'database'], 'mirror'),
    reconcileIntervalMs: integer(env, 'REVOCATION_RECONCILE_MS', 1000, 50, 60_000),
    cleanupIntervalSeconds: integer(env, 'CLEANUP_INTERVAL_SECONDS', 3600, 1, 7 * DAY),
  };
}
