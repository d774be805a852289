import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VerifiedClaims } from './token.verification';
import { VerifierError } from './verifier.error';

/** What the middleware adds to a request it lets through. */
export interface AuthenticatedRequest extends IncomingMessage {
  auth: VerifiedClaims;
}

export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** RFC 6750 §2.1: "Bearer", one space, a token68; anything else is no token at all. */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

/** A quoted-string for a WWW-Authenticate parameter (RFC 9110 §5.6.4). */
const quoted = (value: string) => `"${value.replace(/[\\"]/g, '\\$&').replace(/[^\x20-\x7e]/g, '?')}"`;

function answer(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}

/**
 * No token: 401 with a bare `WWW-Authenticate: Bearer` (RFC 6750 §3.1). A refused token: 401 with
 * `error="invalid_token"` and a JSON body with the code and the revocation's reason. A state not
 * proven current: 503 with Retry-After, so that clients and load balancers try again shortly.
 */
export function expressMiddleware(
  verify: (token: string) => Promise<VerifiedClaims>,
  retryAfterSeconds: number,
): Middleware {
  return (req, res, next) => {
    const header = req.headers.authorization;
    if (header === undefined || header === '') {
      answer(
        res,
        401,
        { 'www-authenticate': 'Bearer' },
        { error: 'UNAUTHENTICATED', message: 'A bearer token is required.' },
      );
      return;
    }
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) {
      answer(
        res,
        401,
        { 'www-authenticate': 'Bearer error="invalid_request", error_description="Malformed Authorization header"' },
        { error: 'INVALID_TOKEN', message: 'The Authorization header is not "Bearer <token>".' },
      );
      return;
    }
    verify(token).then(
      (claims) => {
        (req as AuthenticatedRequest).auth = claims;
        next();
      },
      (error: unknown) => {
        if (!(error instanceof VerifierError)) {
          next(error);
          return;
        }
        if (error.code === 'SERVICE_UNAVAILABLE') {
          answer(res, 503, { 'retry-after': String(retryAfterSeconds) }, { error: error.code, message: error.message });
          return;
        }
        answer(
          res,
          401,
          { 'www-authenticate': `Bearer error="invalid_token", error_description=${quoted(error.message)}` },
          {
            error: error.code,
            message: error.message,
            ...(error.code === 'TOKEN_REVOKED' ? { reason: error.reason } : {}),
          },
        );
      },
    );
  };
}
