/** What the verifier needs from the service's RFC 8414 metadata. */
export interface ServiceEndpoints {
  /** The `iss` its tokens carry: JWT_ISSUER, which may be a plain name rather than a URL. */
  issuer: string;
  jwksUri: URL;
  revocationEventsUrl: URL;
}

const METADATA_PATH = '/.well-known/oauth-authorization-server';

/** The service answered, and what it said will not change by asking again: a configuration to fix. */
export class ServiceMismatch extends Error {}

/** RFC 8414 §3: the well-known path goes between the host and the issuer's own path. */
export function metadataUrlOf(issuerUrl: URL): URL {
  const path = issuerUrl.pathname.replace(/\/+$/, '');
  return new URL(`${METADATA_PATH}${path}`, issuerUrl.origin);
}

function endpointOf(metadata: Record<string, unknown>, name: string, base: URL): URL {
  const value = metadata[name];
  if (typeof value !== 'string') {
    throw new ServiceMismatch(
      name === 'revocation_events_endpoint'
        ? `The service at ${base.href} does not serve revocation events: it runs REVOCATION_CHECK=database, or a version without them.`
        : `The service's metadata at ${base.href} has no ${name}.`,
    );
  }
  const url = new URL(value);
  // Keys and the revocation state come from where discovery was asked, never from elsewhere.
  if (url.origin !== base.origin)
    throw new ServiceMismatch(`The service's ${name} (${value}) is not on ${base.origin}.`);
  return url;
}

export async function discover(fetcher: typeof fetch, issuerUrl: URL, signal: AbortSignal): Promise<ServiceEndpoints> {
  const url = metadataUrlOf(issuerUrl);
  const response = await fetcher(url, { headers: { accept: 'application/json' }, redirect: 'manual', signal });
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw new Error(`${url.href} answered ${response.status}: is ${issuerUrl.href} a Token Warden service?`);
  }
  const metadata: unknown = await response.json().catch(() => null);
  if (typeof metadata !== 'object' || metadata === null) throw new Error(`${url.href} answered no JSON object.`);
  const fields = metadata as Record<string, unknown>;
  const { issuer } = fields;
  if (typeof issuer !== 'string' || issuer === '') throw new Error(`${url.href} names no issuer.`);
  // RFC 8414 §3.3: an issuer that is a URL must be the one discovery started from.
  if (/^https?:\/\//i.test(issuer) && issuer.replace(/\/+$/, '') !== issuerUrl.href.replace(/\/+$/, '')) {
    throw new ServiceMismatch(`${url.href} names the issuer ${issuer}, not ${issuerUrl.href}.`);
  }
  return {
    issuer,
    jwksUri: endpointOf(fields, 'jwks_uri', url),
    revocationEventsUrl: endpointOf(fields, 'revocation_events_endpoint', url),
  };
}
