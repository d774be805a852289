import { parse } from 'cookie';
import type { Request, Response } from 'express';
import type { RefreshCookie } from '../auth/refresh-cookie';
import { isOwnOrigin } from './own-origin';

/**
 * The `__Host-` prefix makes the browser keep the cookie only when it is Secure, has Path=/ and no
 * Domain, so no sibling subdomain can plant or overwrite it. The prefix rules out a narrower Path.
 */
export const REFRESH_COOKIE_NAME = '__Host-token-warden-refresh';

const COOKIE_ATTRIBUTES = { httpOnly: true, secure: true, sameSite: 'strict', path: '/' } as const;

/**
 * The cookie of one Express request. Browsers send `Origin` with every POST, so a request
 * without one is no page we can vouch for, and may not use the cookie.
 */
export function refreshCookieOf(req: Request, res: Response, listedOrigins: ReadonlySet<string>): RefreshCookie {
  return {
    read: () => {
      const header = req.headers.cookie;
      return header === undefined ? undefined : parse(header)[REFRESH_COOKIE_NAME];
    },
    write: (refreshToken, maxAgeSeconds) => {
      res.cookie(REFRESH_COOKIE_NAME, refreshToken, { ...COOKIE_ATTRIBUTES, maxAge: maxAgeSeconds * 1000 });
    },
    clear: () => {
      res.clearCookie(REFRESH_COOKIE_NAME, COOKIE_ATTRIBUTES);
    },
    originAllowed: () => {
      const origin = req.headers.origin;
      if (origin === undefined) return false;
      return listedOrigins.has(origin) || isOwnOrigin(origin, req);
    },
  };
}
