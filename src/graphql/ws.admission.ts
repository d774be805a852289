import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Context } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import type { VerifyClientCallbackAsync, WebSocket } from 'ws';
import type { RequestContext } from '../auth/context';
import { REVOCATION_STATE_UNAVAILABLE } from '../http/request-context';
import { AppError, ErrorCode } from '../errors';
import { CloseCode } from '../live/close-codes';
import { LiveSocket } from '../live/live-socket';
import { RequestRecord, type RequestSource } from '../observability/request-record';
import type { Services } from '../services';

export interface AdmissionDeps {
  services: Services;
  /** Whether a page on this origin may open a socket (the service's own and CORS_ORIGINS). */
  originAllowed(origin: string, request: IncomingMessage): boolean;
  buildContext(headers: IncomingHttpHeaders, record: RequestRecord, refreshCookie: null): Promise<RequestContext>;
  reportError(message: string, error: unknown): void;
}

/** An admitted socket: whom it speaks for, and what its subscriptions' records read of its upgrade request. */
export interface Admitted {
  liveSocket: LiveSocket;
  source: RequestSource;
}

/** The sockets past `connection_init`; an entry goes with its socket. */
export type AdmittedSockets = WeakMap<WebSocket, Admitted>;

export type SocketContext = Context<Record<string, unknown>, Extra>;

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

/** The upgrade's origin check, before any WebSocket frame. */
export function originCheck(deps: Pick<AdmissionDeps, 'originAllowed'>): VerifyClientCallbackAsync {
  return ({ origin, req }, done) => {
    // Browsers always send Origin on an upgrade; other clients carry no ambient credentials.
    if (!origin || deps.originAllowed(origin, req)) done(true);
    else done(false, 403, 'Origin not allowed');
  };
}

/**
 * `connection_init`: runs the HTTP request pipeline on `connectionParams.authorization`, then
 * registers the socket so that a revocation can cut it. A refusal closes the socket with its code.
 */
export function admitSockets(deps: AdmissionDeps, admitted: AdmittedSockets) {
  return async (ctx: SocketContext): Promise<boolean> => {
    const { socket, request } = ctx.extra;
    const authorization = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
    // Anything but a string there is refused as a malformed header would be, never ignored.
    const headers =
      authorization === undefined ? {} : { authorization: typeof authorization === 'string' ? authorization : '' };
    let context: RequestContext;
    try {
      context = await deps.buildContext(headers, new RequestRecord(randomUUID(), request), null);
    } catch (error) {
      const refused = refusal(error);
      if (!refused) deps.reportError('WebSocket connection_init failed', error);
      socket.close(refused?.code ?? 1011, refused?.reason ?? 'Internal server error');
      return false;
    }
    const liveSocket = new LiveSocket(context.viewer, { close: (code, reason) => socket.close(code, reason) });
    const admission = await deps.services.sockets.admit(liveSocket);
    if (admission !== 'ok') {
      const refused = ADMISSION_REFUSALS[admission];
      socket.close(refused.code, refused.reason);
      return false;
    }
    admitted.set(socket, { liveSocket, source: upgradeSource(request) });
    // graphql-ws keeps `extra` and `connectionParams` as long as the socket is open; nothing
    // reads the request or the token from them after this, so they need not outlive it.
    Reflect.deleteProperty(ctx.extra, 'request');
    if (ctx.connectionParams)
      for (const name of ['authorization', 'Authorization']) Reflect.deleteProperty(ctx.connectionParams, name);
    return true;
  };
}
