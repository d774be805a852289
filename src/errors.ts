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
  STEP_UP_REQUIRED: 'STEP_UP_REQUIRED',
  MFA_ENROLLMENT_REQUIRED: 'MFA_ENROLLMENT_REQUIRED',
  MFA_REQUIRED: 'MFA_REQUIRED',
  INVALID_CODE: 'INVALID_CODE',
  INVALID_MFA_TOKEN: 'INVALID_MFA_TOKEN',
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
  // RFC 9470 §3: the token is fine but its authentication is too old or too weak; 401 with a challenge.
  STEP_UP_REQUIRED: 401,
  // Not 401: no fresher sign-in helps until a second factor is enrolled.
  MFA_ENROLLMENT_REQUIRED: 403,
  // Like EMAIL_NOT_VERIFIED: the password was right, and what is still due is a second factor, not a refresh.
  MFA_REQUIRED: 403,
  // Neither is 401, which a client takes as "refresh and try again": a code or an mfaToken is not a bearer token.
  INVALID_CODE: 400,
  INVALID_MFA_TOKEN: 400,
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
/** The password was right; `completeLogin` with `mfaToken` and a code of one of `methods` finishes the sign-in. */
export const mfaRequired = (mfaToken: string, methods: readonly string[]): AppError =>
  new AppError(ErrorCode.MFA_REQUIRED, 'This account has a second factor: finish signing in with completeLogin.', {
    mfaToken,
    methods,
  });
/** One answer for a wrong, replayed or spent code: which one it was helps only a guesser. */
export const invalidCode = (): AppError => new AppError(ErrorCode.INVALID_CODE, 'This code is not valid.');
/** One answer for a malformed, unknown, expired, spent or foreign mfaToken. */
export const invalidMfaToken = (): AppError =>
  new AppError(ErrorCode.INVALID_MFA_TOKEN, 'This sign-in has expired or is not valid; sign in again.');
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

/** A `Bearer` WWW-Authenticate challenge (RFC 6750 §3); quotes and backslashes are dropped from the description. */
function bearerChallenge(error: string, description: string, params = ''): HeaderMap {
  const challenge = `Bearer error="${error}", error_description="${description.replace(/["\\]/g, '')}"${params}`;
  return new HeaderMap([['www-authenticate', challenge]]);
}

/** A refused bearer token (RFC 6750 §3): 401 with a WWW-Authenticate challenge. */
function bearerError(code: BearerErrorCode, message: string, extensions: Record<string, unknown> = {}): AppError {
  return new AppError(code, message, extensions, bearerChallenge('invalid_token', message));
}

export const invalidToken = (message = 'The access token is not valid.'): AppError =>
  bearerError(ErrorCode.INVALID_TOKEN, message);
export const tokenExpired = (): AppError => bearerError(ErrorCode.TOKEN_EXPIRED, 'The access token has expired.');
export const tokenRevoked = (reason: string | null): AppError =>
  bearerError(ErrorCode.TOKEN_REVOKED, 'The access token has been revoked.', { reason });

/**
 * RFC 9470 §3: the access token is valid, but the person behind it must authenticate again (more
 * recently than `maxAgeSeconds` ago, or with a second factor) before this field answers.
 */
export function stepUpRequired(message: string, maxAgeSeconds: number): AppError {
  return new AppError(
    ErrorCode.STEP_UP_REQUIRED,
    message,
    { maxAge: maxAgeSeconds },
    bearerChallenge('insufficient_user_authentication', message, `, max_age=${maxAgeSeconds}`),
  );
}

export const mfaEnrollmentRequired = (): AppError =>
  new AppError(
    ErrorCode.MFA_ENROLLMENT_REQUIRED,
    'Administrators must enrol a second factor before using administrative fields.',
  );
