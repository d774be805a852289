import type { Role } from './role';

/** Who is calling, from a verified, unrevoked access token. */
export interface Viewer {
  userId: string;
  role: Role;
  sessionId: string;
  jti: string;
  issuedAtMs: number;
  expiresAtMs: number;
  /** The signing key of the token; revoking the key cuts sockets opened with it. */
  kid: string;
}
