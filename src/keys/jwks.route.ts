import type { RequestHandler } from 'express';
import type { KeyRing } from './key-ring';

/**
 * `GET /.well-known/jwks.json`: the public halves of the ES256 keys that verify (NEXT, ACTIVE,
 * RETIRED), never a revoked key, never private or HMAC material. Cached for a third of the
 * publish delay, so a verifier that fetched just before a rotation fetches again before the new
 * key signs.
 */
export function jwksRoute(ring: KeyRing, publishSeconds: number): RequestHandler {
  const maxAge = Math.floor(publishSeconds / 3);
  return (_req, res) => {
    const keys = ring
      .published()
      .filter((key) => key.row.publicJwk !== null)
      .map((key) => ({ ...key.row.publicJwk, kid: key.kid, alg: key.algorithm, use: 'sig' }));
    res.set('cache-control', `public, max-age=${maxAge}`);
    res.type('application/jwk-set+json').json({ keys });
  };
}
