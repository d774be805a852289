import type { IncomingHttpHeaders } from 'node:http';
import { invalidToken, serviceUnavailable, tokenExpired, tokenRevoked } from '../errors';
import type { RequestRecord } from '../observability/request-record';
import type { RevocationCheck } from '../revocation/revocation.check';
import type { Services } from '../services';
import type { LiveSocket } from '../live/live-socket';
import type { RefreshCookie } from '../sessions/refresh-cookie';
import type { Role } from './role';
import { checkAccessToken } from './access-token.check';
import { looksLikeJwt, type TokenService } from './tokens';

/** Who is calling, from a verified, unrevoked access token. */
export interface Viewer {
  userId: string;
  role: Role;
  sessionId: string;
  jti: string;
  issuedAtMs: number;
  expiresAtMs: number;
  /** The signing key of the token; revoking the key cuts sockets opened with it. */
  kid: string;
}

export interface RequestContext {
  viewer: Viewer | null;
  services: Services;
  /** This request's id, address and outcome, for the logs, the metrics and the login throttle. */
  record: RequestRecord;
  /** The browser's refresh token cookie; null where the transport has no cookies. */
  refreshCookie: RefreshCookie | null;
  /** The WebSocket a subscription runs on; null over HTTP. */
  socket: LiveSocket | null;
}

const BEARER = /^Bearer +(\S+)$/i;

/** Why a token whose revocation state cannot be read is refused, over HTTP and WebSocket alike. */
export const REVOCATION_STATE_UNAVAILABLE = 'Token revocation state is unavailable; try again shortly.';

/** The token of an `Authorization: Bearer <jwt>` header; anything else there is refused, never ignored. */
function bearerToken(header: string): string {
  const token = BEARER.exec(header)?.[1];
  if (token === undefined || !looksLikeJwt(token)) {
    throw invalidToken('The Authorization header must be "Bearer <access token>".');
  }
  return token;
}

export interface ContextDeps {
  tokens: TokenService;
  revocations: Pick<RevocationCheck, 'isRevoked'>;
  services: Services;
  onCheckFailure: (error: unknown) => void;
}

/** The request pipeline: bearer → `checkAccessToken` (revocation, then signature and claims) → viewer. */
export function createContextBuilder(
  deps: ContextDeps,
): (
  headers: IncomingHttpHeaders,
  record: RequestRecord,
  refreshCookie: RefreshCookie | null,
) => Promise<RequestContext> {
  return async (headers, record, refreshCookie) => {
    const header = headers.authorization;
    if (header === undefined) return { viewer: null, services: deps.services, record, refreshCookie, socket: null };
    const token = bearerToken(header);
    let checked;
    try {
      checked = await checkAccessToken(deps.tokens, deps.revocations, token);
    } catch (error) {
      // Fail closed: a token whose revocation state cannot be read is not accepted.
      deps.onCheckFailure(error);
      throw serviceUnavailable(REVOCATION_STATE_UNAVAILABLE);
    }
    if (checked.status === 'revoked') throw tokenRevoked(checked.reason);
    if (checked.status === 'expired') throw tokenExpired();
    if (checked.status === 'invalid') throw invalidToken();
    const { claims } = checked;
    record.userId = claims.sub;
    return {
      viewer: {
        userId: claims.sub,
        role: claims.role,
        sessionId: claims.sid,
        jti: claims.jti,
        issuedAtMs: Math.round(claims.iat * 1000),
        expiresAtMs: claims.exp * 1000,
        kid: claims.kid,
      },
      services: deps.services,
      record,
      refreshCookie,
      socket: null,
    };
  };
}
