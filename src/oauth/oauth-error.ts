import type { Response } from 'express';

/** The error codes of RFC 6749 §5.2 that these endpoints answer with. */
export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'temporarily_unavailable' | 'slow_down';

/** An RFC 6749 §5.2 error body: a code and a sentence, never a stack. */
export function sendOAuthError(res: Response, status: number, error: OAuthErrorCode, description: string): void {
  res.status(status).set('cache-control', 'no-store').json({ error, error_description: description });
}
