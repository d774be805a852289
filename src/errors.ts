import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';

/** Every `extensions.code` the API answers with; clients may rely on these. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  TOKEN_REVOKED: 'TOKEN_REVOKED',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  INVALID_TOKEN: 'INVALID_TOKEN',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  INVALID_OR_EXPIRED_LINK: 'INVALID_OR_EXPIRED_LINK',
  EMAIL_NOT_CONFIGURED: 'EMAIL_NOT_CONFIGURED',
  EMAIL_NOT_VERIFIED: 'EMAIL_NOT_VERIFIED',
  INVALID_PASSKEY: 'INVALID_PASSKEY',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  TOO_MANY_REQUESTS: 429,
  TOKEN_REVOKED: 401,
  TOKEN_EXPIRED: 401,
  INVALID_TOKEN: 401,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
  // Not 401: a client takes 401 to mean "refresh and try again", which a dead link never allows.
  INVALID_OR_EXPIRED_LINK: 400,
  EMAIL_NOT_CONFIGURED: 503,
  // Not 401 either: the password was right, and no refresh can help until the link is opened.
  EMAIL_NOT_VERIFIED: 403,
  // Not 401: no refresh helps; the ceremony must start again.
  INVALID_PASSKEY: 400,
};

/** An error meant for the client: its message and code are shown as they are. */
export class AppError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}, headers?: HeaderMap) {
    super(message, {
      extensions: { ...extensions, code, http: { status: HTTP_STATUS[code], headers: headers ?? new HeaderMap() } },
    });
    this.code = code;
  }
}

export const badUserInput = (message: string): AppError => new AppError(ErrorCode.BAD_USER_INPUT, message);
export const unauthenticated = (message = 'You must be signed in.'): AppError =>
  new AppError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message: string): AppError => new AppError(ErrorCode.FORBIDDEN, message);
export const notFound = (message: string): AppError => new AppError(ErrorCode.NOT_FOUND, message);
/** One answer for a malformed, unknown, expired or spent link token: which one it was helps only a guesser. */
export const invalidOrExpiredLink = (): AppError =>
  new AppError(ErrorCode.INVALID_OR_EXPIRED_LINK, 'This link is not valid or has expired; ask for a new one.');
export const emailNotConfigured = (): AppError =>
  new AppError(ErrorCode.EMAIL_NOT_CONFIGURED, 'This service cannot send mail: it has no SMTP server configured.');
export const emailNotVerified = (): AppError =>
  new AppError(
    ErrorCode.EMAIL_NOT_VERIFIED,
    'This address is not verified yet: open the link mailed to it, or ask for a new one.',
  );
/** One answer for every refused WebAuthn ceremony: which check failed helps only an attacker; the log says. */
export const invalidPasskey = (): AppError =>
  new AppError(ErrorCode.INVALID_PASSKEY, 'The passkey could not be verified; start again.');
export const serviceUnavailable = (message: string): AppError => new AppError(ErrorCode.SERVICE_UNAVAILABLE, message);

/** 429 with the wait in seconds, in `extensions.retryAfter` and in the Retry-After header. */
export function tooManyRequests(message: string, retryAfterSeconds: number): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new AppError(
    ErrorCode.TOO_MANY_REQUESTS,
    message,
    { retryAfter: seconds },
    new HeaderMap([['retry-after', String(seconds)]]),
  );
}

type BearerErrorCode = typeof ErrorCode.TOKEN_REVOKED | typeof ErrorCode.TOKEN_EXPIRED | typeof ErrorCode.INVALID_TOKEN;

/** A refused bearer token (RFC 6750 §3): 401 with a WWW-Authenticate challenge. */
function bearerError(code: BearerErrorCode, message: string, extensions: Record<string, unknown> = {}): AppError {
  const challenge = `Bearer error="invalid_token", error_description="${message.replace(/["\\]/g, '')}"`;
  return new AppError(code, message, extensions, new HeaderMap([['www-authenticate', challenge]]));
}

export const invalidToken = (message = 'The access token is not valid.'): AppError =>
  bearerError(ErrorCode.INVALID_TOKEN, message);
export const tokenExpired = (): AppError => bearerError(ErrorCode.TOKEN_EXPIRED, 'The access token has expired.');
export const tokenRevoked = (reason: string | null): AppError =>
  bearerError(ErrorCode.TOKEN_REVOKED, 'The access token has been revoked.', { reason });
