import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { RequestHandler, Response } from 'express';
import { Kind, type OperationDefinitionNode } from 'graphql';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Span } from '@opentelemetry/api';
import { ErrorCode } from '../errors';
import { RequestRecord } from './request-record';
import type { RequestSpans } from './request-span';
import { SeriesCache } from './series-cache';
import type { Telemetry } from './telemetry';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      requestRecord?: RequestRecord;
      /** The request's server span, when tracing is on. */
      requestSpan?: Span;
    }
  }
}

const AUTH_REJECTION_CODES: ReadonlySet<string> = new Set([
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.INVALID_TOKEN,
  ErrorCode.TOKEN_EXPIRED,
  ErrorCode.TOKEN_REVOKED,
  ErrorCode.TOO_MANY_REQUESTS,
]);

/** A caller's own request id is kept when it is short and plain, so that logs join across services. */
const CALLER_REQUEST_ID = /^[\w.:-]{1,100}$/;

/** The root field asked for, `multiple` or `none`: a label bounded by the schema. */
export function rootFieldLabel(operation: OperationDefinitionNode): string {
  let label: string | null = null;
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    if (label !== null) return 'multiple';
    label = selection.name.value;
  }
  return label ?? 'none';
}

interface RequestSeries {
  requests: { inc(): void };
  duration: { observe(seconds: number): void };
  authRejection: { inc(): void } | null;
}

/** Records per request, and the hooks that fill them in and report them. */
export class RequestTracking {
  private readonly series: SeriesCache<RequestSeries>;
  /**
   * One listener shared by every response (`this` is the response), so that tracking a request
   * allocates no closure: at tens of thousands of requests a second that garbage shows.
   */
  private readonly onFinish: (this: Response) => void;

  /** `spans` only when tracing is on: without it the middleware makes no tracing call at all. */
  constructor(
    private readonly telemetry: Telemetry,
    private readonly spans?: RequestSpans,
  ) {
    const { metrics } = telemetry;
    this.series = new SeriesCache((operation, outcome) => ({
      requests: metrics.requests.series(operation, outcome),
      duration: metrics.requestDuration.labels({ operation, outcome }),
      authRejection: AUTH_REJECTION_CODES.has(outcome) ? metrics.authRejections.series(outcome) : null,
    }));
    const report = (record: RequestRecord, status: number, span: Span | undefined) => this.report(record, status, span);
    this.onFinish = function (this: Response) {
      const record = this.locals.requestRecord;
      if (record) report(record, this.statusCode, this.locals.requestSpan);
    };
  }

  /** The record the middleware opened; a stand-in when the middleware did not run. */
  recordOf(req: IncomingMessage, res: Response): RequestRecord {
    return res.locals.requestRecord ?? new RequestRecord(randomUUID(), req);
  }

  /** Express middleware: opens the record, echoes the request id, reports when the response is sent. */
  readonly middleware: RequestHandler = (req, res, next) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
    const record = new RequestRecord(requestId, req);
    res.locals.requestRecord = record;
    res.setHeader('x-request-id', requestId);
    res.on('finish', this.onFinish);
    if (this.spans === undefined) next();
    else res.locals.requestSpan = this.spans.run(req, next);
  };

  /**
   * Apollo plugin: names the operation once resolved, takes the outcome from the answer and
   * marks it uncacheable. One plugin for all three: each plugin costs a dispatch per hook per request.
   */
  plugin(): ApolloServerPlugin<{ record: RequestRecord }> {
    // One listener for every request: the state lives in the request's record.
    const listener: GraphQLRequestListener<{ record: RequestRecord }> = {
      didResolveOperation: ({ operation, operationName, contextValue: { record } }) => {
        if (operation) {
          record.rootField = rootFieldLabel(operation);
          record.operationName = operationName?.slice(0, 64) ?? null;
        }
        return Promise.resolve();
      },
      willSendResponse: ({ response, contextValue: { record } }) => {
        // What Apollo's cache-control plugin, which this service turns off, would have said:
        // answers are per caller and must never be stored by a shared cache.
        if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', 'no-store');
        if (response.body.kind === 'single') {
          const code = response.body.singleResult.errors?.[0]?.extensions?.code;
          record.outcome = typeof code === 'string' ? code : 'ok';
        }
        return Promise.resolve();
      },
    };
    return { requestDidStart: () => Promise.resolve(listener) };
  }

  /** Counts, times, logs and, when tracing, ends the span of the request. */
  private report(record: RequestRecord, status: number, span: Span | undefined): void {
    const ms = performance.now() - record.startedMs;
    const outcome = record.outcome ?? (status < 400 ? 'ok' : `HTTP_${status}`);
    const series = this.series.get(record.rootField, outcome);
    series.requests.inc();
    series.duration.observe(ms / 1000);
    series.authRejection?.inc();
    if (span) this.spans?.end(span, record, outcome, status);
    this.telemetry.requestLogger.info(
      {
        reqId: record.requestId,
        operation: record.operationName ?? record.rootField,
        userId: record.userId,
        outcome,
        status,
        ms: Math.round(ms * 10) / 10,
      },
      'graphql request',
    );
  }
}
