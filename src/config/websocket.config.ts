import { integer, type Env } from './env';

/** Bounds on GraphQL subscriptions over WebSocket, each refused with its own close code or error. */
export interface WebSocketLimits {
  /** Open authenticated sockets per user on one instance; one more is closed with 1008. */
  maxSocketsPerUser: number;
  /** Subscriptions running at once on one socket; one more is answered TOO_MANY_REQUESTS. */
  maxSubscriptionsPerSocket: number;
  /** A socket that has not sent `connection_init` by then is closed with 4408. */
  connectionInitTimeoutMs: number;
  /** A larger message closes the socket with 1009. */
  maxMessageBytes: number;
  /** Each socket is pinged this often; one that has not answered the previous ping is terminated. */
  keepAliveMs: number;
}

/** How often each socket is pinged unless WS_KEEPALIVE_SECONDS says otherwise. */
export const DEFAULT_WS_KEEPALIVE_SECONDS = 30;

export function websocketLimits(env: Env): WebSocketLimits {
  return {
    maxSocketsPerUser: integer(env, 'WS_MAX_SOCKETS_PER_USER', 1000, 1, 1_000_000),
    maxSubscriptionsPerSocket: integer(env, 'WS_MAX_SUBSCRIPTIONS_PER_SOCKET', 20, 1, 10_000),
    connectionInitTimeoutMs: integer(env, 'WS_CONNECTION_INIT_TIMEOUT_MS', 3000, 100, 60_000),
    maxMessageBytes: integer(env, 'WS_MAX_MESSAGE_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    keepAliveMs: integer(env, 'WS_KEEPALIVE_SECONDS', DEFAULT_WS_KEEPALIVE_SECONDS, 1, 300) * 1000,
  };
}
