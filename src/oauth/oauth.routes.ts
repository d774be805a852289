import { Router } from 'express';
import type { Config } from '../config';
import { jwksRoute } from '../keys/jwks.route';
import type { Services } from '../services';
import { OAuthClients } from './client-auth';
import { introspectionRoute } from './introspection.route';
import { INTROSPECTION_PATH, JWKS_PATH, metadataPaths, metadataRoute, REVOCATION_PATH } from './metadata.route';
import { revocationRoute } from './revocation.route';

/** What other services use: the JWKS, RFC 8414 metadata, RFC 7662 introspection and RFC 7009 revocation. */
export function oauthRoutes(
  config: Config,
  services: Services,
  onError: (message: string, error: unknown) => void,
): Router {
  const endpoint = { clients: new OAuthClients(config.oauthClients), throttle: services.loginThrottle, onError };
  const router = Router();
  router.get(JWKS_PATH, jwksRoute(services.keyRing, config.signingKeys.publishSeconds));
  for (const path of metadataPaths(config.jwt.issuer)) router.get(path, metadataRoute(config.jwt.issuer));
  router.post(
    INTROSPECTION_PATH,
    introspectionRoute({
      ...endpoint,
      tokens: services.tokens,
      revocations: services.revocationCheck,
      jwt: config.jwt,
    }),
  );
  router.post(
    REVOCATION_PATH,
    revocationRoute({ ...endpoint, revocations: services.revocations, sessions: services.sessionManagement }),
  );
  return router;
}
