import type { ErrorRequestHandler, RequestHandler } from 'express';
import { looksLikeJwt } from '../auth/tokens';
import { AppError, ErrorCode } from '../errors';
import type { RevocationService } from '../revocation/revocation.service';
import type { SessionManagementService } from '../sessions/session-management.service';
import { tokenEndpoint, type OAuthEndpointDeps } from './oauth-request';

export interface RevocationRouteDeps extends OAuthEndpointDeps {
  revocations: RevocationService;
  sessions: SessionManagementService;
}

/** Refusals of a token that is not ours to revoke: RFC 7009 §2.2 answers them 200 like a success. */
const notRevocable = (error: unknown) =>
  error instanceof AppError && (error.code === ErrorCode.BAD_USER_INPUT || error.code === ErrorCode.NOT_FOUND);

/**
 * RFC 7009: an access token is blacklisted as `revokeToken` does it (audit, notice, socket cut);
 * a refresh token ends its session. The hint only says which to try first. An invalid or unknown
 * token answers 200 too (§2.2), so that the answer tells nothing about it.
 */
export function revocationRoute(deps: RevocationRouteDeps): Array<RequestHandler | ErrorRequestHandler> {
  return tokenEndpoint(deps, async ({ clientId, token, hint }, res) => {
    const reason = `revoked by OAuth client ${clientId}`;
    const asRefresh = () => deps.sessions.revokeByRefreshToken(token, reason);
    const asAccess = async () => {
      if (!looksLikeJwt(token)) return false;
      try {
        await deps.revocations.revokeToken({ token, reason }, null);
        return true;
      } catch (error) {
        if (notRevocable(error)) return false;
        throw error;
      }
    };
    const [first, second] = hint === 'refresh_token' ? [asRefresh, asAccess] : [asAccess, asRefresh];
    if (!(await first())) await second();
    res.set('cache-control', 'no-store').status(200).end();
  });
}
