import type { RequestHandler } from 'express';
import { bearerCredential } from '../auth/bearer';
import { SecretDigest } from '../auth/secret-digest';
import type { Metrics } from '../observability/metrics';

/** `GET /metrics` in Prometheus text format; behind a bearer token when one is configured. */
export function metricsRoute(metrics: Metrics, token: string | undefined): RequestHandler {
  const expected = token === undefined ? undefined : new SecretDigest(token);
  return async (req, res) => {
    if (expected !== undefined) {
      const given = bearerCredential(req.headers.authorization);
      if (given === undefined || !expected.matches(given)) {
        res
          .status(401)
          .setHeader('www-authenticate', 'Bearer realm="metrics"')
          .type('text/plain')
          .send('unauthorized\n');
        return;
      }
    }
    const body = await metrics.registry.metrics();
    // Written as is: Express's send would rewrite the content type and put its charset first.
    res.setHeader('content-type', metrics.registry.contentType);
    res.end(body);
  };
}
