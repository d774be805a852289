import type { IncomingMessage } from 'node:http';

/**
 * Whether `origin` names the host the request was sent to. Behind a TLS-terminating proxy the
 * scheme seen here may differ from the page's, and either is the service's own.
 */
export function isOwnOrigin(origin: string, request: IncomingMessage): boolean {
  const host = request.headers.host;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}
