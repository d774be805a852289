import { SecretDigest } from '../auth/secret-digest';
import type { OAuthClient } from '../config';

const BASIC = /^Basic +([A-Za-z0-9+/]+={0,2})$/i;

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded. */
function formDecode(part: string): string | null {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** The id and secret of an `Authorization: Basic` header; null for anything else. */
export function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  if (header === undefined || header.length > 1024) return null;
  const encoded = BASIC.exec(header)?.[1];
  if (encoded === undefined) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const id = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  return id === null || secret === null ? null : { id, secret };
}

/** The services allowed to introspect and revoke, from OAUTH_CLIENTS. */
export class OAuthClients {
  private readonly digests: ReadonlyMap<string, SecretDigest>;
  /** Compared against when the id is unknown, so that a wrong id takes as long as a wrong secret. */
  private readonly decoy = new SecretDigest('no client has this secret');

  constructor(clients: readonly OAuthClient[]) {
    this.digests = new Map(clients.map((client) => [client.id, new SecretDigest(client.secret)]));
  }

  get configured(): boolean {
    return this.digests.size > 0;
  }

  /** The client id when the header names a configured client with its secret. */
  authenticate(header: string | undefined): string | null {
    const credentials = basicCredentials(header);
    if (!credentials) return null;
    const expected = this.digests.get(credentials.id);
    const matches = (expected ?? this.decoy).matches(credentials.secret);
    return matches && expected !== undefined ? credentials.id : null;
  }
}
