import type { RequestHandler } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { bearerCredential } from '../auth/bearer';
import type { Metrics } from './metrics';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `GET /metrics` in Prometheus text format; behind a bearer token when one is configured. */
export function metricsRoute(metrics: Metrics, token: string | undefined): RequestHandler {
  return async (req, res) => {
    if (token !== undefined) {
      const given = bearerCredential(req.headers.authorization);
      if (given === undefined || !sameSecret(given, token)) {
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
