import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import type { WebSocketLimits } from '../config';
import { startHeartbeat } from '../live/heartbeat';
import { withDeadline } from '../timeout';
import { admitSockets, originCheck, type AdmissionDeps, type AdmittedSockets } from './ws.admission';
import { prepareSubscriptions, type SubscribeDeps } from './ws.subscribe';

export interface WebSocketDeps extends AdmissionDeps, SubscribeDeps {
  httpServer: Server;
  limits: WebSocketLimits;
  /** At shutdown, how long a socket gets to finish its close handshake before it is cut. */
  shutdownGraceMs: number;
  production: boolean;
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
}

/**
 * GraphQL subscriptions over the graphql-transport-ws protocol on the HTTP server's /graphql
 * path: admission at the upgrade and at `connection_init` (ws.admission.ts), each `subscribe`
 * checked as an HTTP request would be (ws.subscribe.ts).
 */
export function attachWebSocketServer(deps: WebSocketDeps): { dispose(): Promise<void> } {
  const { services, limits } = deps;
  const admitted: AdmittedSockets = new WeakMap();
  const wss = new WebSocketServer({
    server: deps.httpServer,
    path: '/graphql',
    maxPayload: limits.maxMessageBytes,
    verifyClient: originCheck(deps),
  });

  const formatErrors = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((error) => {
      // The HTTP status and headers Apollo reads from `extensions.http` mean nothing on a socket.
      const formatted = error.toJSON();
      const extensions = { ...formatted.extensions };
      delete extensions.http;
      return deps.formatError({ ...formatted, extensions }, error);
    });

  const cleanup = useServer<Record<string, unknown>>(
    {
      connectionInitWaitTimeout: limits.connectionInitTimeoutMs,
      isProd: deps.production,
      onConnect: admitSockets(deps, admitted),
      onClose: (ctx) => {
        const socket = admitted.get(ctx.extra.socket);
        if (socket) services.sockets.remove(socket.liveSocket);
      },
      onSubscribe: prepareSubscriptions(deps, admitted),
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
