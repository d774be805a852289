import { databaseErrorKind } from '../db/errors';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

/** Logs and metrics, handed to whatever reports on the service's work. */
export class Telemetry {
  constructor(
    readonly logger: Logger,
    readonly metrics: Metrics,
  ) {}

  /** Logs a failure the client is not told about, and counts it when the database was behind it. */
  reportError(message: string, error: unknown, level: 'error' | 'warn' = 'error'): void {
    const kind = databaseErrorKind(error);
    if (kind) this.metrics.databaseErrors.inc({ kind });
    // Duck-typed: errors from node's own sockets may come from another realm.
    const errorLike = typeof error === 'object' && error !== null && 'message' in error;
    this.logger[level](errorLike ? { err: error } : { detail: error }, message);
  }
}
