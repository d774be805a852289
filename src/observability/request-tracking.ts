import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { RequestHandler } from 'express';
import { Kind, type OperationDefinitionNode } from 'graphql';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ErrorCode } from '../errors';
import type { RequestSpans } from './request-span';
import { SeriesCache } from './series-cache';
import type { Telemetry } from './telemetry';

/** What one HTTP request to /graphql did, filled in as it goes and reported when it finishes. */
export interface RequestRecord {
  requestId: string;
  /** The operation name the client sent, cut to a loggable length. */
  operationName: string | null;
  /** The root field asked for, `multiple` or `none`: a bounded label for the metrics. */
  rootField: string;
  /** `ok`, or the `extensions.code` of the first error. */
  outcome: string | null;
  userId: string | null;
  /** The client's address, as Express reads it under the `trust proxy` setting; read only by sign-ins. */
  readonly clientAddress: string;
  /** The User-Agent header, kept with a session started by this request; null when absent. */
  readonly userAgent: string | null;
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

/** The address is read when asked for: parsing X-Forwarded-For is work only a login needs. */
export function newRequestRecord(
  requestId: string,
  readClientAddress: () => string,
  readUserAgent: () => string | null = () => null,
): RequestRecord {
  return {
    requestId,
    operationName: null,
    rootField: 'none',
    outcome: null,
    userId: null,
    get clientAddress() {
      return readClientAddress();
    },
    get userAgent() {
      return readUserAgent();
    },
  };
}

/** The root field asked for, `multiple` or `none`: a label bounded by the schema. */
export function rootFieldLabel(operation: OperationDefinitionNode): string {
  const names = operation.selectionSet.selections.flatMap((selection) =>
    selection.kind === Kind.FIELD ? [selection.name.value] : [],
  );
  if (names.length > 1) return 'multiple';
  return names[0] ?? 'none';
}

interface RequestSeries {
  requests: { inc(): void };
  duration: { observe(seconds: number): void };
  authRejection: { inc(): void } | null;
}

/** Records per request, and the hooks that fill them in and report them. */
export class RequestTracking {
  private readonly records = new WeakMap<IncomingMessage, RequestRecord>();
  private readonly series: SeriesCache<RequestSeries>;

  /** `spans` only when tracing is on: without it the middleware makes no tracing call at all. */
  constructor(
    private readonly telemetry: Telemetry,
    private readonly spans?: RequestSpans,
  ) {
    const { metrics } = telemetry;
    this.series = new SeriesCache((operation, outcome) => ({
      requests: metrics.requests.labels({ operation, outcome }),
      duration: metrics.requestDuration.labels({ operation, outcome }),
      authRejection: AUTH_REJECTION_CODES.has(outcome) ? metrics.authRejections.labels({ code: outcome }) : null,
    }));
  }

  /** The record the middleware opened; a stand-in when the middleware did not run. */
  recordOf(req: IncomingMessage): RequestRecord {
    return (
      this.records.get(req) ??
      newRequestRecord(
        randomUUID(),
        () => req.socket.remoteAddress ?? 'unknown',
        () => req.headers['user-agent'] ?? null,
      )
    );
  }

  /** Express middleware: opens the record, echoes the request id, reports when the response is sent. */
  readonly middleware: RequestHandler = (req, res, next) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
    const record = newRequestRecord(
      requestId,
      () => req.ip ?? req.socket.remoteAddress ?? 'unknown',
      () => req.headers['user-agent'] ?? null,
    );
    this.records.set(req, record);
    res.setHeader('x-request-id', record.requestId);
    const started = performance.now();
    const { spans } = this;
    if (spans === undefined) {
      res.once('finish', () => this.report(record, res.statusCode, performance.now() - started));
      next();
      return;
    }
    res.once('finish', () => {
      const outcome = this.report(record, res.statusCode, performance.now() - started);
      spans.end(span, record, outcome, res.statusCode);
    });
    const span = spans.run(req, next);
  };

  /** Apollo plugin: names the operation once resolved and takes the outcome from the answer. */
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
        if (response.body.kind === 'single') {
          const code = response.body.singleResult.errors?.[0]?.extensions?.code;
          record.outcome = typeof code === 'string' ? code : 'ok';
        }
        return Promise.resolve();
      },
    };
    return { requestDidStart: () => Promise.resolve(listener) };
  }

  /** Counts, times and logs the request; returns its outcome. */
  private report(record: RequestRecord, status: number, ms: number): string {
    const outcome = record.outcome ?? (status < 400 ? 'ok' : `HTTP_${status}`);
    const series = this.series.get(record.rootField, outcome);
    series.requests.inc();
    series.duration.observe(ms / 1000);
    series.authRejection?.inc();
    this.telemetry.logger.info(
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
    return outcome;
  }
}
