import cors, { type CorsOptions } from 'cors';
import type { RequestHandler } from 'express';

/** What a GraphQL client in a browser sends: Apollo Client, urql and our own request id. */
const ALLOWED_REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'x-request-id',
];

/** Headers a page must be able to read: the log join key, the bearer challenge and the throttle's wait. */
const EXPOSED_RESPONSE_HEADERS = ['x-request-id', 'www-authenticate', 'retry-after'];

/** How long a browser may reuse a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

const GRANT: CorsOptions = {
  origin: true,
  credentials: true,
  methods: ['GET', 'POST'],
  allowedHeaders: ALLOWED_REQUEST_HEADERS,
  exposedHeaders: EXPOSED_RESPONSE_HEADERS,
  maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  optionsSuccessStatus: 204,
};

/**
 * Cross-origin grants for /graphql: a listed origin gets credentials and the GraphQL headers; any
 * other gets no Access-Control header at all, and its preflight ends here without a grant.
 */
export function corsMiddleware(origins: readonly string[]): RequestHandler {
  const listed = new Set(origins);
  const grant = cors((req, callback) => {
    const origin = req.headers.origin;
    callback(null, origin !== undefined && listed.has(origin) ? GRANT : { origin: false });
  });
  return (req, res, next) => {
    // Answers differ by Origin, so a shared cache must never hand one origin's answer to another.
    // Nothing has set Vary yet: this runs first on /graphql.
    res.setHeader('Vary', 'Origin');
    const afterGrant = () => {
      if (req.method === 'OPTIONS') res.status(204).end();
      else next();
    };
    // Without an Origin there is nothing to grant (a server-side caller, or a same-origin GET).
    if (req.headers.origin === undefined) afterGrant();
    else grant(req, res, afterGrant);
  };
}
