import type { AuthMethod } from './authentication';
import type { Role } from './role';

/** The claims of a verified access token. `iat` is a NumericDate with millisecond precision. */
export interface AccessClaims {
  sub: string;
  role: Role;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  /** The header's key id: which signing key vouches for the token. */
  kid: string;
  /** `auth_time` in seconds; null on a token issued before sessions recorded it. */
  authTime: number | null;
  /** `amr`: how the user authenticated (RFC 8176). */
  amr: readonly AuthMethod[];
}

/** What the revocation check reads from a token before anything about it is trusted. */
export interface UnverifiedClaims {
  jti: string;
  sub: string;
  sid: string;
  issuedAtMs: number;
  /** Null when the header names no key; such a token verifies against none. */
  kid: string | null;
}
