import { Counter, Histogram, Registry } from 'prom-client';
import { registerProcessMetrics } from './process.metrics';
import { TalliedCounter } from './tallied-counter';

export const PREFIX = 'token_warden_';

/**
 * Seconds. Fine from 1 ms to 500 ms, where an answer from the mirror and one that waited on the
 * database both fall; 0.5 ms below for requests that never reach a resolver, 1–5 s above for stalls.
 */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const latencyHistogram = (registry: Registry, name: string, help: string) =>
  new Histogram({
    name: `${PREFIX}${name}`,
    help,
    labelNames: ['operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });

/** Every metric the service exports, on a registry of its own so that servers in one process stay apart. */
export class Metrics {
  readonly registry = new Registry();

  /** Labels: operation (the root field), outcome. */
  readonly requests = new TalliedCounter(
    {
      name: `${PREFIX}graphql_requests_total`,
      help: 'GraphQL requests by root field and outcome (ok or the first error code).',
      labelNames: ['operation', 'outcome'] as const,
    },
    this.registry,
  );

  readonly requestDuration = latencyHistogram(
    this.registry,
    'graphql_request_duration_seconds',
    'GraphQL requests over HTTP from arrival to the last byte of the answer, by root field and outcome.',
  );

  readonly subscribeDuration = latencyHistogram(
    this.registry,
    'graphql_ws_subscribe_duration_seconds',
    'GraphQL subscriptions over WebSocket from the subscribe message to the stream running or refused, by root field and outcome.',
  );

  /** Labels: code. */
  readonly authRejections = new TalliedCounter(
    {
      name: `${PREFIX}auth_rejections_total`,
      help: 'Requests refused for their credentials, by error code.',
      labelNames: ['code'] as const,
    },
    this.registry,
  );

  readonly revocations = new Counter({
    name: `${PREFIX}revocations_total`,
    help: 'Revocations committed by this instance: kind "token" per blacklisted jti, "user" per user cutoff, "session" per session cutoff, "key" per revoked signing key.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly loginThrottled = new Counter({
    name: `${PREFIX}login_throttled_total`,
    help: 'Login attempts refused by the throttle, by the key that was over its limit.',
    labelNames: ['scope'] as const,
    registers: [this.registry],
  });

  readonly mailSent = new Counter({
    name: `${PREFIX}mail_sent_total`,
    help: 'Mail handed to the SMTP server (or logged, without one in development), by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly mailRetried = new Counter({
    name: `${PREFIX}mail_retried_total`,
    help: 'Temporary mail failures (connection refused, 4xx) that scheduled another attempt, by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly mailFailed = new Counter({
    name: `${PREFIX}mail_failed_total`,
    help: 'Mail given up: refused for good (5xx) or still failing after the retry window, by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly mailRequestsThrottled = new Counter({
    name: `${PREFIX}mail_requests_throttled_total`,
    help: 'Requests for account mail (a reset link) refused by the throttle, by the key that was over its limit.',
    labelNames: ['scope'] as const,
    registers: [this.registry],
  });

  readonly cleanupRuns = new Counter({
    name: `${PREFIX}cleanup_runs_total`,
    help: 'Purges of expired entries, by result.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly cleanupDeletedRows = new Counter({
    name: `${PREFIX}cleanup_deleted_rows_total`,
    help: 'Rows deleted by purges, by what they held.',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  readonly databaseErrors = new Counter({
    name: `${PREFIX}database_errors_total`,
    help: 'Database failures seen, by kind: "unavailable" (connection, timeout) or "query".',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  constructor() {
    // Unprefixed: every Prometheus client exports these names, and the common dashboards query them.
    registerProcessMetrics(this.registry);
  }
}
