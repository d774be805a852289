import { registerEnumType } from 'type-graphql';
import type { RequestContext } from '../auth/context';
import { AppError, badUserInput, ErrorCode, forbidden } from '../errors';
import type { RefreshCookie } from '../auth/refresh-cookie';
import { isSupersededRefresh } from './refresh-errors';

export enum RefreshTokenDelivery {
  BODY = 'BODY',
  COOKIE = 'COOKIE',
}

registerEnumType(RefreshTokenDelivery, {
  name: 'RefreshTokenDelivery',
  description: 'Where a sign-in or a refresh puts the new refresh token.',
  valuesConfig: {
    BODY: { description: 'In `AuthPayload.refreshToken`, for apps that keep it themselves.' },
    COOKIE: {
      description:
        'In an HttpOnly cookie that page scripts cannot read, sent back only to `refreshToken`; `AuthPayload.refreshToken` is null. For browser apps.',
    },
  },
});

/** The request's refresh cookie, when the page that sent the request may use it. */
export function usableRefreshCookie(context: RequestContext): RefreshCookie {
  const cookie = context.refreshCookie;
  if (!cookie) throw badUserInput('The refresh cookie needs an HTTP request; use refreshTokenDelivery: BODY here.');
  // Defence against cross-site request forgery beside SameSite=Strict and Apollo's preflight rule.
  if (!cookie.originAllowed()) {
    throw forbidden("The refresh cookie is only used by pages on this service's origin or one listed in CORS_ORIGINS.");
  }
  return cookie;
}

const DEAD_REFRESH_CODES: ReadonlySet<string> = new Set([
  ErrorCode.INVALID_TOKEN,
  ErrorCode.TOKEN_EXPIRED,
  ErrorCode.TOKEN_REVOKED,
]);

/**
 * Whether a failed refresh leaves the cookie useless. A superseded token is not: a concurrent
 * refresh from another tab may just have set its successor, which clearing would throw away.
 */
export function refreshCookieIsDead(error: unknown): boolean {
  return error instanceof AppError && DEAD_REFRESH_CODES.has(error.code) && !isSupersededRefresh(error);
}
