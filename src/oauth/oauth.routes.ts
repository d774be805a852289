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
import { STATUS_LISTS_PATH } from '../revocation/status-list.service';
import { statusListAggregationRoute, statusListCors, statusListRoute } from './status-list.route';
import { StatusListTokens } from './status-list.token';

/**
 * What other services use: the JWKS, RFC 8414 metadata, RFC 7662 introspection, RFC 7009
 * revocation, the revocation event stream and the Token Status Lists.
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
  const { statusLists } = services;
  const serves = {
    revocationEvents: source !== null,
    statusLists: statusLists !== null && config.jwt.algorithm === 'ES256',
  };
  for (const path of metadataPaths(config.jwt.issuer)) router.get(path, metadataRoute(config.jwt.issuer, serves));
  if (statusLists !== null) {
    const ttlSeconds = config.statusList.ttlSeconds;
    const tokens = new StatusListTokens(services.keyRing, services.clock, ttlSeconds, (id) => statusLists.uriOf(id));
    const endpoint = { statusLists, tokens, ttlSeconds };
    router.all([STATUS_LISTS_PATH, `${STATUS_LISTS_PATH}/:id`], statusListCors);
    router.get(STATUS_LISTS_PATH, statusListAggregationRoute(endpoint));
    router.get(`${STATUS_LISTS_PATH}/:id`, statusListRoute(endpoint));
  }
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
