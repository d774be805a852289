import { AppError, ErrorCode } from '../errors';

type RefreshErrorCode =
  | typeof ErrorCode.INVALID_TOKEN
  | typeof ErrorCode.TOKEN_EXPIRED
  | typeof ErrorCode.TOKEN_REVOKED;

export const refreshError = (
  code: RefreshErrorCode,
  message: string,
  extensions: { superseded?: true; reason?: string | null } = {},
) => new AppError(code, message, extensions);

/** The refresh token of an ended session, with why it was ended, as a revoked access token carries it. */
export const sessionEnded = (reason: string | null) =>
  refreshError(ErrorCode.TOKEN_REVOKED, 'The session has been ended.', { reason });

/** A refresh token rotated away within the grace window: a newer one exists, and the session lives on. */
export function isSupersededRefresh(error: unknown): boolean {
  return error instanceof AppError && error.extensions.superseded === true;
}
