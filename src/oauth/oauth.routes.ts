import { Router } from 'express';
import type { Config } from '../config';
import { jwksRoute } from '../keys/jwks.route';
import type { Services } from '../services';
import { OAuthClients } from './client-auth';
import { introspectionRoute } from './introspection.route';
import {
  INTROSPECTION_PATH,
  JWKS_PATH,
  metadataPaths,
  metadataRoute,
  REVOCATION_EVENTS_PATH,
  REVOCATION_PATH,
} from './metadata.route';
import type { RevocationEventStreams } from './revocation-events.hub';
import { revocationEventsRoute } from './revocation-events.route';
import { revocationRoute } from './revocation.route';

/**
 * What other services use: the JWKS, RFC 8414 metadata, RFC 7662 introspection, RFC 7009
 * revocation and the revocation event stream.
 */
export function oauthRoutes(
  config: Config,
  services: Services,
  eventStreams: RevocationEventStreams,
  onError: (message: string, error: unknown) => void,
): Router {
  const endpoint = { clients: new OAuthClients(config.oauthClients), throttle: services.loginThrottle, onError };
  const router = Router();
  router.get(JWKS_PATH, jwksRoute(services.keyRing, config.signingKeys.publishSeconds));
  const source = services.revocationCheck.stateSource();
  for (const path of metadataPaths(config.jwt.issuer))
    router.get(path, metadataRoute(config.jwt.issuer, source !== null));
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
  router.get(
    REVOCATION_EVENTS_PATH,
    revocationEventsRoute({ ...endpoint, source, streams: eventStreams, clock: services.clock }),
  );
  return router;
}
