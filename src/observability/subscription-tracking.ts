import type { ExecutionArgs, GraphQLError } from 'graphql';
import type { OperationResult } from 'graphql-ws';
import { ErrorCode } from '../errors';
import type { Metrics } from './metrics';
import { SeriesCache } from './series-cache';

/** The outcome label of a refusal: the first error's code, as over HTTP. */
function outcomeOf(errors: readonly GraphQLError[]): string {
  const code = errors[0]?.extensions.code;
  return typeof code === 'string' ? code : ErrorCode.INTERNAL_SERVER_ERROR;
}

/**
 * Times each `subscribe` message over WebSocket until its stream runs (outcome `ok`) or it is
 * refused (the first error's code): the socket's counterpart of the HTTP request duration. What
 * follows is the subscription's own life, which a latency histogram would only blur.
 */
export class SubscriptionTracking {
  private readonly pending = new WeakMap<ExecutionArgs, { operation: string; startedMs: number }>();
  private readonly series: SeriesCache<{ observe(seconds: number): void }>;

  constructor(metrics: Metrics) {
    this.series = new SeriesCache((operation, outcome) => metrics.subscribeDuration.labels({ operation, outcome }));
  }

  /** Refused before execution: parse, validation, limits, not a subscription. */
  refused(operation: string, errors: readonly GraphQLError[], startedMs: number): void {
    this.series.get(operation, outcomeOf(errors)).observe((performance.now() - startedMs) / 1000);
  }

  /** Passed to graphql-ws for execution; settled in `executed`. */
  accepted(args: ExecutionArgs, operation: string, startedMs: number): void {
    this.pending.set(args, { operation, startedMs });
  }

  /** graphql-ws's `onOperation`: a stream, or a result carrying the resolver's refusal. */
  executed(args: ExecutionArgs, result: OperationResult): void {
    const started = this.pending.get(args);
    if (!started) return;
    this.pending.delete(args);
    // A stream has no `errors`; a result has them when the resolver refused (@Auth, a closed socket).
    const errors = 'errors' in result ? result.errors : undefined;
    const outcome = errors && errors.length > 0 ? outcomeOf(errors) : 'ok';
    this.series.get(started.operation, outcome).observe((performance.now() - started.startedMs) / 1000);
  }
}
