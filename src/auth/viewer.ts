import type { AuthMethod } from './authentication';
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
  /** When the user last proved who they are, from `auth_time`; null when the token does not say. */
  authTimeMs: number | null;
  amr: readonly AuthMethod[];
}
