import type { Request, RequestHandler } from 'express';
import { issuerBaseUrl } from '../config';
import { STATUS_LISTS_PATH } from '../revocation/status-list.service';

export const INTROSPECTION_PATH = '/oauth/introspect';
export const REVOCATION_PATH = '/oauth/revoke';
export const JWKS_PATH = '/.well-known/jwks.json';
export const REVOCATION_EVENTS_PATH = '/oauth/revocation-events';
export const METADATA_PATH = '/.well-known/oauth-authorization-server';

/** Where the endpoints are: under the issuer URL, or, with a plain-name issuer, where this request came in. */
function baseUrlOf(issuer: string, req: Request): string {
  return issuerBaseUrl(issuer) ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/**
 * RFC 8414 metadata. Discovery clients (oauth4webapi among them) check that `issuer` equals the
 * URL they started from, so JWT_ISSUER must be this service's URL for them to accept it.
 */
export function metadataRoute(
  issuer: string,
  serves: { revocationEvents: boolean; statusLists: boolean },
): RequestHandler {
  return (req, res) => {
    const base = baseUrlOf(issuer, req);
    res.set('cache-control', 'public, max-age=300').json({
      issuer,
      jwks_uri: `${base}${JWKS_PATH}`,
      introspection_endpoint: `${base}${INTROSPECTION_PATH}`,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
      revocation_endpoint: `${base}${REVOCATION_PATH}`,
      revocation_endpoint_auth_methods_supported: ['client_secret_basic'],
      // Not an RFC 8414 name: the stream of docs/revocation-events.md, listed only where it is served.
      ...(serves.revocationEvents ? { revocation_events_endpoint: `${base}${REVOCATION_EVENTS_PATH}` } : {}),
      // draft-ietf-oauth-status-list §9, where ES256 tokens carry status claims.
      ...(serves.statusLists ? { status_list_aggregation_endpoint: `${base}${STATUS_LISTS_PATH}` } : {}),
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
      response_types_supported: [],
      scopes_supported: ['USER', 'ADMIN'],
    });
  };
}

/** RFC 8414 §3: an issuer with a path has its metadata at the well-known path followed by that path. */
export function metadataPaths(issuer: string): string[] {
  const url = issuerBaseUrl(issuer);
  const path = url === null ? '' : new URL(url).pathname.replace(/\/+$/, '');
  return path === '' ? [METADATA_PATH] : [METADATA_PATH, `${METADATA_PATH}${path}`];
}
