import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { AppError, ErrorCode } from '../errors';
import type { LoginThrottle } from '../sessions/login-throttle';
import type { OAuthClients } from './client-auth';
import { sendOAuthError } from './oauth-error';

/** An authenticated client's request for one token. */
export interface TokenRequest {
  clientId: string;
  token: string;
  hint: string | undefined;
}

export interface OAuthEndpointDeps {
  clients: OAuthClients;
  throttle: LoginThrottle;
  onError(message: string, error: unknown): void;
}

/** A form of a few parameters; a token is under 8 KB. */
const MAX_BODY_BYTES = 16 * 1024;

const formParser = express.urlencoded({ extended: false, limit: MAX_BODY_BYTES, parameterLimit: 20 });

/** Body-parser failures (bad encoding, too large) as RFC errors, never an HTML page. */
const formErrors: ErrorRequestHandler = (error: { status?: unknown }, _req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const tooLarge = error.status === 413;
  sendOAuthError(
    res,
    tooLarge ? 413 : 400,
    'invalid_request',
    tooLarge ? 'The body is too large.' : 'The body is not a valid form.',
  );
};

/**
 * Client authentication first: a wrong or missing client is counted like a failed sign-in (per
 * client id and per address, in the database every instance shares) and refused with 401. A
 * right one costs no database work, so that introspection stays on the mirror.
 */
export async function authenticateClient(deps: OAuthEndpointDeps, req: Request, res: Response): Promise<string | null> {
  const clientId = deps.clients.authenticate(req.headers.authorization);
  if (clientId !== null) return clientId;
  try {
    await deps.throttle.begin(`oauth-client:${req.headers.authorization?.slice(0, 200) ?? '-'}`, req.ip ?? 'unknown');
  } catch (error) {
    if (error instanceof AppError && error.code === ErrorCode.TOO_MANY_REQUESTS) {
      res.set('retry-after', String(error.extensions.retryAfter));
      sendOAuthError(res, 429, 'temporarily_unavailable', error.message);
      return null;
    }
    throw error;
  }
  res.set('www-authenticate', 'Basic realm="token-warden", charset="UTF-8"');
  sendOAuthError(res, 401, 'invalid_client', 'Client authentication failed.');
  return null;
}

/** The `token` and `token_type_hint` of the form, each given at most once (RFC 6749 §3.1). */
function tokenParameters(body: unknown): { token: string; hint: string | undefined } | string {
  if (typeof body !== 'object' || body === null) return 'The body must be application/x-www-form-urlencoded.';
  const { token, token_type_hint: hint } = body as Record<string, unknown>;
  if (token === undefined || token === '') return 'The token parameter is required.';
  if (typeof token !== 'string' || (hint !== undefined && typeof hint !== 'string')) {
    return 'Each parameter may be given once.';
  }
  return { token, hint };
}

/** POST handler for an endpoint about one token: authentication, throttling, form parsing, RFC error shapes. */
export function tokenEndpoint(
  deps: OAuthEndpointDeps,
  handle: (request: TokenRequest, res: Response) => Promise<void>,
): Array<RequestHandler | ErrorRequestHandler> {
  const run: RequestHandler = async (req, res) => {
    try {
      const clientId = await authenticateClient(deps, req, res);
      if (clientId === null) return;
      const parameters = tokenParameters(req.body);
      if (typeof parameters === 'string') {
        sendOAuthError(res, 400, 'invalid_request', parameters);
        return;
      }
      await handle({ clientId, ...parameters }, res);
    } catch (error) {
      deps.onError(`OAuth request to ${req.path} failed`, error);
      if (!res.headersSent) sendOAuthError(res, 503, 'temporarily_unavailable', 'Try again shortly.');
    }
  };
  return [formParser, run, formErrors];
}
