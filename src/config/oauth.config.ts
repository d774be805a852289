import { ConfigError, integer, optionalText, type Env } from './env';

export interface OAuthClient {
  id: string;
  secret: string;
}

export const MIN_CLIENT_SECRET_LENGTH = 32;

export interface OAuthConfig {
  /** Services that may call /oauth/introspect and /oauth/revoke (HTTP Basic). */
  oauthClients: readonly OAuthClient[];
  /** Open /oauth/revocation-events streams one client may hold on one instance; more are refused with 429. */
  revocationEventsMaxStreamsPerClient: number;
}

function oauthClients(env: Env): OAuthClient[] {
  const raw = optionalText(env, 'OAUTH_CLIENTS');
  if (raw === undefined) return [];
  const clients: OAuthClient[] = [];
  for (const entry of raw.split(',')) {
    const pair = entry.trim();
    const colon = pair.indexOf(':');
    const id = colon > 0 ? pair.slice(0, colon) : '';
    const secret = colon > 0 ? pair.slice(colon + 1) : '';
    if (!/^[A-Za-z0-9._~-]{1,100}$/.test(id)) {
      throw new ConfigError(
        'OAUTH_CLIENTS',
        'must be id:secret pairs, comma-separated, ids of letters, digits and . _ ~ -',
      );
    }
    if (secret.length < MIN_CLIENT_SECRET_LENGTH) {
      throw new ConfigError(
        'OAUTH_CLIENTS',
        `has a secret shorter than ${MIN_CLIENT_SECRET_LENGTH} characters for "${id}"`,
      );
    }
    if (clients.some((client) => client.id === id)) {
      throw new ConfigError('OAUTH_CLIENTS', `names the client "${id}" twice`);
    }
    clients.push({ id, secret });
  }
  return clients;
}

export function oauthConfig(env: Env): OAuthConfig {
  return {
    oauthClients: oauthClients(env),
    revocationEventsMaxStreamsPerClient: integer(env, 'REVOCATION_EVENTS_MAX_STREAMS_PER_CLIENT', 100, 1, 100_000),
  };
}
