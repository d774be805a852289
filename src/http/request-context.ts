import type { IncomingHttpHeaders } from 'node:http';
import { bearerCredential } from '../auth/bearer';
import type { RequestContext } from '../auth/context';
import type { RefreshCookie } from '../auth/refresh-cookie';
import { looksLikeJwt, type TokenService } from '../auth/tokens';
import { invalidToken, serviceUnavailable, tokenExpired, tokenRevoked } from '../errors';
import type { RequestRecord } from '../observability/request-record';
import { checkAccessToken } from '../revocation/access-token.check';
import type { RevocationCheck } from '../revocation/revocation.check';
import type { Services } from '../services';

/** Why a token whose revocation state cannot be read is refused, over HTTP and WebSocket alike. */
export const REVOCATION_STATE_UNAVAILABLE = 'Token revocation state is unavailable; try again shortly.';

/** The token of an `Authorization: Bearer <jwt>` header; anything else there is refused, never ignored. */
function bearerToken(header: string): string {
  const token = bearerCredential(header);
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

export type ContextBuilder = (
  headers: IncomingHttpHeaders,
  record: RequestRecord,
  refreshCookie: RefreshCookie | null,
) => Promise<RequestContext>;

/** The request pipeline: bearer → `checkAccessToken` (revocation, then signature and claims) → viewer. */
export function createContextBuilder(deps: ContextDeps): ContextBuilder {
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
        authTimeMs: claims.authTime === null ? null : claims.authTime * 1000,
        amr: claims.amr,
      },
      services: deps.services,
      record,
      refreshCookie,
      socket: null,
    };
  };
}
