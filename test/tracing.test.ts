import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { sql } from 'drizzle-orm';
import { loadConfig, type TracingConfig } from '../src/config';
import { startTracing, type Tracing } from '../src/observability/tracing';
import { errorCode } from './support/graphql-client';
import { LOGOUT, ME } from './support/operations';
import { useTestServer } from './support/shared-server';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

const tracingConfig = (): TracingConfig => {
  const tracing = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/' }).tracing;
  if (!tracing) throw new Error('OTEL_EXPORTER_OTLP_ENDPOINT did not turn tracing on');
  return tracing;
};

describe('OpenTelemetry tracing', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  beforeAll(async () => {
    tracing = await startTracing(tracingConfig(), exporter);
  });
  const traced = useTestServer(() => ({ tracer: tracing.tracer }));
  const untraced = useTestServer();
  // Declared after the servers' own, so that it runs once they have stopped.
  afterAll(() => tracing.shutdown());
  beforeEach(() => exporter.reset());

  /** The spans of the one trace the request with `TRACEPARENT` started. */
  const traceOf = () => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === TRACE_ID);
  const requestSpan = (spans: ReadableSpan[]) => spans.find((span) => span.kind === SpanKind.SERVER);
  const childrenOf = (spans: ReadableSpan[], parent: ReadableSpan) =>
    spans.filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);

  it('is off unless OTEL_EXPORTER_OTLP_ENDPOINT is set, and says which URL it sends to', () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(tracingConfig()).toEqual({ tracesUrl: 'http://127.0.0.1:4318/v1/traces', serviceName: 'token-warden' });
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });

  it('traces a request under the caller’s traceparent: the request, its revocation check and its statements', async () => {
    const user = await traced.register();
    exporter.reset();
    const answer = await traced.gql(ME, {}, { token: user.accessToken, headers: { traceparent: TRACEPARENT } });
    expect(answer.errors).toBeUndefined();

    const spans = traceOf();
    const request = requestSpan(spans);
    expect(request?.name).toBe('POST /graphql');
    expect(request?.attributes).toMatchObject({
      'http.response.status_code': 200,
      'graphql.operation.name': 'Me',
      'token_warden.operation': 'me',
      'token_warden.outcome': 'ok',
      'enduser.id': user.user.id,
    });
    expect(request?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    if (!request) return;

    const [check] = childrenOf(spans, request).filter((span) => span.name === 'revocation check');
    expect(check?.attributes).toMatchObject({
      'token_warden.revocation.strategy': 'mirror',
      'token_warden.revoked': false,
    });

    const statements = spans.filter((span) => span.kind === SpanKind.CLIENT);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement.attributes['db.system.name']).toBe('postgresql');
      expect(statement.attributes['db.query.text']).toMatch(/^select /i);
      expect(statement.name).toBe('SELECT');
    }
  });

  it('marks a revoked token in the revocation check span and never records statement parameters', async () => {
    const user = await traced.register();
    await traced.gql(LOGOUT, {}, { token: user.accessToken });
    exporter.reset();
    const refused = await traced.gql(ME, {}, { token: user.accessToken, headers: { traceparent: TRACEPARENT } });
    expect(errorCode(refused)).toBe('TOKEN_REVOKED');
    const check = traceOf().find((span) => span.name === 'revocation check');
    expect(check?.attributes['token_warden.revoked']).toBe(true);
    expect(requestSpan(traceOf())?.attributes['token_warden.outcome']).toBe('TOKEN_REVOKED');

    exporter.reset();
    await traced.register();
    const written = exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.CLIENT);
    expect(written.map((span) => span.name)).toContain('INSERT');
    const recorded = JSON.stringify(written.map((span) => span.attributes));
    expect(recorded).not.toContain('@example.com');
    expect(recorded).not.toContain('correct horse');
  });

  it('ends a failed statement with an error status, and makes no statement span outside a trace', async () => {
    const { db } = traced.server.services;
    await expect(db.execute(sql`select * from no_such_table`)).rejects.toThrow();
    expect(exporter.getFinishedSpans()).toEqual([]);

    await tracing.tracer.startActiveSpan('caller', async (caller) => {
      await expect(db.execute(sql`select * from no_such_table`)).rejects.toThrow();
      caller.end();
    });
    const [failed] = exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.CLIENT);
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed?.attributes['db.query.text']).toBe('select * from no_such_table');
  });

  it('makes no span for a server started without a tracer, though a provider is registered', async () => {
    const user = await untraced.register();
    await untraced.gql(ME, {}, { token: user.accessToken, headers: { traceparent: TRACEPARENT } });
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
