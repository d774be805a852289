import { oneOf, optionalText, optionalUrl, text, type Env } from './env';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogConfig {
  level: LogLevel;
  /** Human-readable lines instead of JSON; the default outside production. */
  pretty: boolean;
}

export interface TracingConfig {
  /** Where spans are sent: OTLP over HTTP (JSON), `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`. */
  tracesUrl: string;
  serviceName: string;
}

/** Logs, metrics and traces. */
export interface ObservabilityConfig {
  log: LogConfig;
  /** When set, `GET /metrics` needs `Authorization: Bearer <this>`. */
  metricsToken: string | undefined;
  /** OpenTelemetry tracing; undefined (the default) loads none of its SDK. */
  tracing: TracingConfig | undefined;
}

function tracing(env: Env): TracingConfig | undefined {
  const endpoint = optionalUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']);
  if (endpoint === undefined) return undefined;
  // The variable names the collector's base URL; the signal's path is appended as the OTLP spec says.
  return {
    tracesUrl: `${endpoint.replace(/\/+$/, '')}/v1/traces`,
    serviceName: text(env, 'OTEL_SERVICE_NAME', 'token-warden'),
  };
}

export function observabilityConfig(env: Env, production: boolean): ObservabilityConfig {
  return {
    log: {
      level: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
      pretty: oneOf(env, 'LOG_FORMAT', ['json', 'pretty'], production ? 'json' : 'pretty') === 'pretty',
    },
    metricsToken: optionalText(env, 'METRICS_TOKEN'),
    tracing: tracing(env),
  };
}
