import type { ErrorRequestHandler, RequestHandler } from 'express';
import { checkAccessToken } from '../revocation/access-token.check';
import { looksLikeJwt, type TokenService } from '../auth/tokens';
import type { JwtConfig } from '../config';
import type { RevocationCheck } from '../revocation/revocation.check';
import { tokenEndpoint, type OAuthEndpointDeps } from './oauth-request';

export interface IntrospectionDeps extends OAuthEndpointDeps {
  tokens: TokenService;
  revocations: RevocationCheck;
  jwt: Pick<JwtConfig, 'issuer' | 'audience'>;
}

/**
 * RFC 7662: `active: true` with the claims for an access token that is ours, unexpired and
 * unrevoked, decided exactly as a GraphQL request would be (mirror, then signature); anything
 * else, refresh tokens included, is only `active: false`, so that nothing tells why.
 */
export function introspectionRoute(deps: IntrospectionDeps): Array<RequestHandler | ErrorRequestHandler> {
  return tokenEndpoint(deps, async ({ token }, res) => {
    res.set('cache-control', 'no-store');
    if (!looksLikeJwt(token)) {
      res.json({ active: false });
      return;
    }
    const checked = await checkAccessToken(deps.tokens, deps.revocations, token);
    if (checked.status !== 'active') {
      res.json({ active: false });
      return;
    }
    const { claims } = checked;
    res.json({
      active: true,
      scope: claims.role,
      role: claims.role,
      client_id: deps.jwt.audience,
      token_type: 'Bearer',
      sub: claims.sub,
      sid: claims.sid,
      exp: claims.exp,
      iat: Math.floor(claims.iat),
      ...(claims.authTime === null ? {} : { auth_time: claims.authTime }),
      amr: claims.amr,
      jti: claims.jti,
      iss: deps.jwt.issuer,
      aud: deps.jwt.audience,
    });
  });
}
