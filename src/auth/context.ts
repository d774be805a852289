import type { RequestRecord } from '../observability/request-record';
// Type-only, against the layering: resolvers reach the services and their socket through the
// context, and an app's resolvers read `context.services` too (the library's API).
import type { LiveSocket } from '../live/live-socket';
import type { Services } from '../services';
import type { RefreshCookie } from './refresh-cookie';
import type { Viewer } from './viewer';

export type { Viewer } from './viewer';

/** What every resolver receives, over HTTP and WebSocket alike. */
export interface RequestContext {
  viewer: Viewer | null;
  services: Services;
  /** This request's id, address and outcome, for the logs, the metrics and the login throttle. */
  record: RequestRecord;
  /** The browser's refresh token cookie; null where the transport has no cookies. */
  refreshCookie: RefreshCookie | null;
  /** The WebSocket a subscription runs on; null over HTTP. */
  socket: LiveSocket | null;
}
