import { ApolloServerErrorCode } from '@apollo/server/errors';
import {
  getOperationAST,
  GraphQLError,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
  type GraphQLFormattedError,
  type ExecutionArgs,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { startHeartbeat } from '../live/heartbeat';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RequestContext } from '../auth/context';
import { REVOCATION_STATE_UNAVAILABLE } from '../http/request-context';
import type { WebSocketLimits } from '../config';
import { AppError, badUserInput, ErrorCode } from '../errors';
import { CloseCode } from '../live/close-codes';
import { LiveSocket } from '../live/live-socket';
import { RequestRecord, type RequestSource } from '../observability/request-record';
import { rootFieldLabel } from '../observability/request-tracking';
import type { SubscriptionTracking } from '../observability/subscription-tracking';
import type { Services } from '../services';
import { withDeadline } from '../timeout';

export interface WebSocketDeps {
  httpServer: Server;
  schema: GraphQLSchema;
  services: Services;
  limits: WebSocketLimits;
  /** At shutdown, how long a socket gets to finish its close handshake before it is cut. */
  shutdownGraceMs: number;
  production: boolean;
  /** The same refusals before execution as over HTTP. */
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
  /** Whether a page on this origin may open a socket (the service's own and CORS_ORIGINS). */
  originAllowed(origin: string, request: IncomingMessage): boolean;
  buildContext(headers: IncomingHttpHeaders, record: RequestRecord, refreshCookie: null): Promise<RequestContext>;
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  reportError(message: string, error: unknown): void;
  /** Times each subscribe message until its stream runs or it is refused. */
  subscriptions: SubscriptionTracking;
}

type SubscribeContext = Context<Record<string, unknown>, Extra>;

/** An admitted socket: whom it speaks for, and what its subscriptions' records read of its upgrade request. */
interface Admitted {
  liveSocket: LiveSocket;
  source: RequestSource;
}

/**
 * The little a socket keeps of its upgrade request: graphql-ws holds the whole request (headers,
 * raw headers, stream state) as `extra.request` for the socket's life: about 1.7 KB of the
 * 7.2 KB an idle socket cost, token included, before both were let go.
 */
function upgradeSource(request: IncomingMessage): RequestSource {
  const userAgent = request.headers['user-agent'];
  return {
    headers: userAgent === undefined ? {} : { 'user-agent': userAgent },
    socket: { remoteAddress: request.socket.remoteAddress },
  };
}

type Prepared = { args: ExecutionArgs; operation: string } | { errors: GraphQLError[]; operation: string };

/** Coded as Apollo codes the same refusals over HTTP. */
const { GRAPHQL_PARSE_FAILED: PARSE_FAILED, GRAPHQL_VALIDATION_FAILED: VALIDATION_FAILED } = ApolloServerErrorCode;

const coded = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });

/** How a socket refused at registration closes: as the same refusal at `connection_init` would. */
const ADMISSION_REFUSALS = {
  'too-many': { code: CloseCode.TOO_MANY_SOCKETS, reason: 'Too many sockets for this user' },
  revoked: { code: CloseCode.FORBIDDEN, reason: 'TOKEN_REVOKED' },
  unavailable: { code: CloseCode.TRY_AGAIN_LATER, reason: REVOCATION_STATE_UNAVAILABLE },
} as const;

/** How a refused `connection_init` closes the socket: the stock client retries on 4403, not on 1008. */
function refusal(error: unknown): { code: number; reason: string } | null {
  if (!(error instanceof AppError)) return null;
  if (error.code === ErrorCode.SERVICE_UNAVAILABLE) return { code: CloseCode.TRY_AGAIN_LATER, reason: error.message };
  if (error.code !== ErrorCode.TOKEN_REVOKED) return { code: CloseCode.FORBIDDEN, reason: error.code };
  const reason = error.extensions.reason;
  return { code: CloseCode.FORBIDDEN, reason: `${error.code}: ${typeof reason === 'string' ? reason : 'revoked'}` };
}

/**
 * GraphQL subscriptions over the graphql-transport-ws protocol on the HTTP server's /graphql
 * path. `connection_init` runs the HTTP request pipeline on `connectionParams.authorization`;
 * each socket is then registered so that a revocation can cut it.
 */
export function attachWebSocketServer(deps: WebSocketDeps): { dispose(): Promise<void> } {
  const { services, limits } = deps;
  const live = new WeakMap<WebSocket, Admitted>();
  const wss = new WebSocketServer({
    server: deps.httpServer,
    path: '/graphql',
    maxPayload: limits.maxMessageBytes,
    verifyClient: ({ origin, req }, done) => {
      // Browsers always send Origin on an upgrade; other clients carry no ambient credentials.
      if (!origin || deps.originAllowed(origin, req)) done(true);
      else done(false, 403, 'Origin not allowed');
    },
  });

  const formatErrors = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((error) => {
      // The HTTP status and headers Apollo reads from `extensions.http` mean nothing on a socket.
      const formatted = error.toJSON();
      const extensions = { ...formatted.extensions };
      delete extensions.http;
      return deps.formatError({ ...formatted, extensions }, error);
    });

  const recordFor = (source: RequestSource) => new RequestRecord(randomUUID(), source);

  /** A `subscribe` message checked as an HTTP request would be, then turned into execution arguments. */
  const prepare = (ctx: SubscribeContext, payload: SubscribePayload): Prepared => {
    const refuse = (errors: GraphQLError[], operation = 'none'): Prepared => ({ errors, operation });
    const admitted = live.get(ctx.extra.socket);
    if (!admitted) return refuse([badUserInput('The connection is not initialised.')]);
    const { liveSocket, source } = admitted;
    // graphql-ws has already counted this one.
    if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerSocket) {
      return refuse([
        new AppError(
          ErrorCode.TOO_MANY_REQUESTS,
          `A socket runs at most ${limits.maxSubscriptionsPerSocket} subscriptions at once (WS_MAX_SUBSCRIPTIONS_PER_SOCKET).`,
        ),
      ]);
    }
    let document;
    try {
      document = parse(payload.query, deps.parseOptions);
    } catch (error) {
      return refuse([
        coded(error instanceof GraphQLError ? error.message : 'The document cannot be parsed.', PARSE_FAILED),
      ]);
    }
    const errors = validate(deps.schema, document, [...specifiedRules, ...deps.validationRules]);
    if (errors.length > 0) return refuse(errors.map((error) => coded(error.message, VALIDATION_FAILED)));
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) return refuse([badUserInput('Name the operation to run: the document holds several.')]);
    const rootField = rootFieldLabel(operation);
    if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
      return refuse([badUserInput('This socket runs subscriptions; send queries and mutations over HTTP.')], rootField);
    }
    const record = recordFor(source);
    record.rootField = rootField;
    const contextValue: RequestContext = {
      viewer: liveSocket.viewer,
      services,
      record,
      refreshCookie: null,
      socket: liveSocket,
    };
    const args: ExecutionArgs = {
      schema: deps.schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
      contextValue,
    };
    return { args, operation: rootField };
  };

  const cleanup = useServer<Record<string, unknown>>(
    {
      connectionInitWaitTimeout: limits.connectionInitTimeoutMs,
      isProd: deps.production,
      onConnect: async (ctx) => {
        const { socket, request } = ctx.extra;
        const authorization = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        // Anything but a string there is refused as a malformed header would be, never ignored.
        const headers =
          authorization === undefined ? {} : { authorization: typeof authorization === 'string' ? authorization : '' };
        let context: RequestContext;
        try {
          context = await deps.buildContext(headers, recordFor(request), null);
        } catch (error) {
          const refused = refusal(error);
          if (!refused) deps.reportError('WebSocket connection_init failed', error);
          socket.close(refused?.code ?? 1011, refused?.reason ?? 'Internal server error');
          return false;
        }
        const liveSocket = new LiveSocket(context.viewer, { close: (code, reason) => socket.close(code, reason) });
        const admission = await services.sockets.admit(liveSocket);
        if (admission !== 'ok') {
          const refused = ADMISSION_REFUSALS[admission];
          socket.close(refused.code, refused.reason);
          return false;
        }
        live.set(socket, { liveSocket, source: upgradeSource(request) });
        // graphql-ws keeps `extra` and `connectionParams` as long as the socket is open; nothing
        // reads the request or the token from them after this, so they need not outlive it.
        Reflect.deleteProperty(ctx.extra, 'request');
        if (ctx.connectionParams)
          for (const name of ['authorization', 'Authorization']) Reflect.deleteProperty(ctx.connectionParams, name);
        return true;
      },
      onClose: (ctx) => {
        const admitted = live.get(ctx.extra.socket);
        if (admitted) services.sockets.remove(admitted.liveSocket);
      },
      onSubscribe: (ctx, _id, payload) => {
        const startedMs = performance.now();
        const prepared = prepare(ctx, payload);
        if ('errors' in prepared) {
          deps.subscriptions.refused(prepared.operation, prepared.errors, startedMs);
          return prepared.errors;
        }
        deps.subscriptions.accepted(prepared.args, prepared.operation, startedMs);
        return prepared.args;
      },
      onOperation: (_ctx, _id, _payload, args, result) => {
        deps.subscriptions.executed(args, result);
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: formatErrors(result.errors) } : undefined,
      onError: (_ctx, _id, _payload, errors) => formatErrors(errors),
    },
    wss,
    // Off: startHeartbeat pings instead, spread over the interval.
    0,
  );
  const stopHeartbeat = startHeartbeat(wss, limits.keepAliveMs);

  return {
    /** Closes every socket with 1001 and waits for their close handshakes, cutting any left after the grace period. */
    dispose: async () => {
      stopHeartbeat();
      services.sockets.stop();
      await withDeadline(Promise.resolve(cleanup.dispose()), deps.shutdownGraceMs, () => {
        for (const socket of wss.clients) socket.terminate();
      });
    },
  };
}
