import { createClient, type Client } from 'graphql-ws';
import { currentAccessToken } from './access-token';
import { API_URL } from './client';

const SESSION_EVENTS = 'subscription SessionEvents { sessionEvents { kind reason } }';

/** 4403: the token was refused or revoked; the service says why in sessionEvents first. */
const FORBIDDEN = 4403;

let live: Client | undefined;

/**
 * Listens for this session's end over WebSocket, so a revocation shows the moment it happens
 * instead of on the next call. The socket carries the in-memory access token in connection_init.
 */
export function watchSession(onRevoked: (reason: string | null) => void, onRefused: () => void): void {
  stopWatchingSession();
  const token = currentAccessToken();
  if (token === undefined) return;
  const client = createClient({
    url: API_URL.replace(/^http/, 'ws'),
    connectionParams: { authorization: `Bearer ${token}` },
    // A 4403 means this token is done: the page refreshes and watches again with the next one.
    shouldRetry: (event) => (event as { code?: number }).code !== FORBIDDEN,
    on: {
      // Refused without a REVOKED event (revoked before the socket opened, or expired): ask over HTTP why.
      closed: (event) => {
        if (live === client && (event as { code?: number }).code === FORBIDDEN) {
          stopWatchingSession();
          onRefused();
        }
      },
    },
  });
  live = client;
  client.subscribe<{ sessionEvents: { kind: string; reason: string | null } }>(
    { query: SESSION_EVENTS },
    {
      next: ({ data }) => {
        // A socket the page has let go of speaks for a token it no longer holds (reauthenticate refuses it).
        if (live !== client) return;
        if (data?.sessionEvents.kind === 'REVOKED') {
          stopWatchingSession();
          onRevoked(data.sessionEvents.reason);
        }
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
}

export function stopWatchingSession(): void {
  void live?.dispose();
  live = undefined;
}
