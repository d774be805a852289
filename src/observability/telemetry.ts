import { databaseErrorKind } from '../db/errors';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

/** Logs and metrics, handed to whatever reports on the service's work. */
export class Telemetry {
  /**
   * For the one line per request. Its fields are fixed and never hold a secret, so it skips the
   * redaction the general logger runs on every line: that was two thirds of a line's cost.
   */
  readonly requestLogger: Logger;

  constructor(
    readonly logger: Logger,
    readonly metrics: Metrics,
  ) {
    this.requestLogger = logger.child({}, { redact: [] });
  }

  /** Logs a failure the client is not told about, and counts it when the database was behind it. */
  reportError(message: string, error: unknown, level: 'error' | 'warn' = 'error'): void {
    const kind = databaseErrorKind(error);
    if (kind) this.metrics.databaseErrors.inc({ kind });
    // Duck-typed: errors from node's own sockets may come from another realm.
    const errorLike = typeof error === 'object' && error !== null && 'message' in error;
    this.logger[level](errorLike ? { err: error } : { detail: error }, message);
  }
}
