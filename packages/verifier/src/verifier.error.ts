/** The codes `verify()` throws with: the service's own codes for the same conditions. */
export type VerifierErrorCode = 'INVALID_TOKEN' | 'TOKEN_EXPIRED' | 'TOKEN_REVOKED' | 'SERVICE_UNAVAILABLE';

/** The HTTP status each code answers with, as Token Warden answers it. */
const STATUS: Record<VerifierErrorCode, 401 | 503> = {
  INVALID_TOKEN: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  SERVICE_UNAVAILABLE: 503,
};

/** Why a token was refused. `reason` is what the service recorded for a revocation (or null). */
export class VerifierError extends Error {
  override readonly name = 'VerifierError';
  readonly status: 401 | 503;

  constructor(
    readonly code: VerifierErrorCode,
    message: string,
    readonly reason: string | null = null,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}
