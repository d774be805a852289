import { context, propagation, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
import type { RequestRecord } from './request-record';

/** The server span of one HTTP request to /graphql; only built when tracing is on. */
export class RequestSpans {
  constructor(private readonly tracer: Tracer) {}

  /**
   * Starts the span (a child of the caller's `traceparent` when it sent one) and runs the rest
   * of the request inside it, so that GraphQL, revocation and database spans nest under it.
   */
  run(req: IncomingMessage, next: () => void): Span {
    const parent = propagation.extract(context.active(), req.headers);
    const span = this.tracer.startSpan(
      `${req.method ?? 'POST'} /graphql`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': '/graphql' } },
      parent,
    );
    context.with(trace.setSpan(parent, span), next);
    return span;
  }

  end(span: Span, record: RequestRecord, outcome: string, status: number): void {
    span.setAttributes({
      'http.response.status_code': status,
      'token_warden.operation': record.rootField,
      'token_warden.outcome': outcome,
      'token_warden.request_id': record.requestId,
    });
    if (record.operationName !== null) span.setAttribute('graphql.operation.name', record.operationName);
    if (record.userId !== null) span.setAttribute('enduser.id', record.userId);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
    span.end();
  }
}
