/**
 * WebSocket close codes this service sends. 4403 makes the stock graphql-ws client reconnect,
 * so an app can refresh its access token first; the client treats 4401 as final.
 */
export const CloseCode = {
  /** A forged, expired or revoked token, or a revocation state this instance can no longer vouch for. */
  FORBIDDEN: 4403,
  /** RFC 6455 "Try Again Later": the revocation state cannot be read, so the token is not accepted unchecked. */
  TRY_AGAIN_LATER: 1013,
  /** RFC 6455 "Policy Violation": more sockets for one user than `WS_MAX_SOCKETS_PER_USER`. */
  TOO_MANY_SOCKETS: 1008,
  /** RFC 6455 "Going Away": the instance is shutting down. */
  GOING_AWAY: 1001,
} as const;
