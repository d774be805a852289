import type { RequestHandler } from 'express';
import type { RevocationStateSource } from '../revocation/revocation-state.source';
import type { RevocationEventStreams } from './revocation-events.hub';
import { RevocationEventStream } from './revocation-events.stream';
import { sendOAuthError } from './oauth-error';
import { authenticateClient, type OAuthEndpointDeps } from './oauth-request';

export interface RevocationEventsDeps extends OAuthEndpointDeps {
  /** Null with REVOCATION_CHECK=database: no state in memory to stream. */
  source: RevocationStateSource | null;
  streams: RevocationEventStreams;
  clock: () => number;
}

/** Seconds a client refused at its cap waits: streams end only when consumers leave. */
const CAP_RETRY_AFTER_SECONDS = 5;

/** A log version, or absent (a stock EventSource sends none before its first id); anything else is refused. */
function lastEventIdOf(header: string | string[] | undefined): number | null | 'invalid' {
  if (header === undefined || header === '') return null;
  if (typeof header !== 'string' || !/^\d{1,15}$/.test(header)) return 'invalid';
  return Number(header);
}

/**
 * GET /oauth/revocation-events: this instance's revocation state, then every change in version
 * order, as server-sent events (docs/revocation-events.md). HTTP Basic with an OAUTH_CLIENTS
 * client, as introspection: the state names users and sessions.
 */
export function revocationEventsRoute(deps: RevocationEventsDeps): RequestHandler {
  return async (req, res) => {
    try {
      const clientId = await authenticateClient(deps, req, res);
      if (clientId === null) return;
      const { source } = deps;
      if (source === null) {
        sendOAuthError(
          res,
          503,
          'temporarily_unavailable',
          'This instance runs with REVOCATION_CHECK=database and holds no revocation state to stream; ' +
            'connect to an instance with REVOCATION_CHECK=mirror.',
        );
        return;
      }
      const lastEventId = lastEventIdOf(req.headers['last-event-id']);
      if (lastEventId === 'invalid') {
        sendOAuthError(res, 400, 'invalid_request', 'Last-Event-ID must be a revocation log version: digits only.');
        return;
      }
      // A HEAD has no body to stream into; opened, it would hold a place under the cap for nothing.
      if (req.method === 'HEAD') {
        res.status(200).type('text/event-stream').set('cache-control', 'no-store').end();
        return;
      }
      if (deps.streams.shuttingDown) {
        sendOAuthError(res, 503, 'temporarily_unavailable', 'This instance is shutting down.');
        return;
      }
      const stream = deps.streams.open(
        clientId,
        () => new RevocationEventStream(res, source, deps.clock, (message, error) => deps.onError(message, error)),
      );
      if (stream === null) {
        res.set('retry-after', String(CAP_RETRY_AFTER_SECONDS));
        sendOAuthError(
          res,
          429,
          'temporarily_unavailable',
          'This client holds as many revocation event streams on this instance as ' +
            'REVOCATION_EVENTS_MAX_STREAMS_PER_CLIENT allows.',
        );
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        // Proxies such as nginx would otherwise hold events back to fill their buffers.
        'x-accel-buffering': 'no',
      });
      res.flushHeaders();
      await stream.run(lastEventId);
    } catch (error) {
      deps.onError('revocation event stream could not open', error);
      if (!res.headersSent) sendOAuthError(res, 503, 'temporarily_unavailable', 'Try again shortly.');
    }
  };
}
