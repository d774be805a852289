import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { RequestHandler } from 'express';
import { Kind, type OperationDefinitionNode } from 'graphql';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ErrorCode } from '../errors';
import { newRequestRecord, type RequestRecord } from './request-record';
import type { Telemetry } from './telemetry';

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

function rootFieldLabel(operation: OperationDefinitionNode): string {
  const names = operation.selectionSet.selections.flatMap((selection) =>
    selection.kind === Kind.FIELD ? [selection.name.value] : [],
  );
  if (names.length > 1) return 'multiple';
  return names[0] ?? 'none';
}

/** Records per request, and the hooks that fill them in and report them. */
export class RequestTracking {
  private readonly records = new WeakMap<IncomingMessage, RequestRecord>();

  constructor(private readonly telemetry: Telemetry) {}

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
    res.once('finish', () => this.report(record, res.statusCode, performance.now() - started));
    next();
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

  private report(record: RequestRecord, status: number, ms: number): void {
    const outcome = record.outcome ?? (status < 400 ? 'ok' : `HTTP_${status}`);
    const { metrics, logger } = this.telemetry;
    metrics.requests.inc({ operation: record.rootField, outcome });
    if (AUTH_REJECTION_CODES.has(outcome)) metrics.authRejections.inc({ code: outcome });
    logger.info(
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
