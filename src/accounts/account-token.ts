import { hashOpaqueToken, isWellFormedOpaqueToken, newOpaqueToken } from '../auth/opaque-token';

/** 32 random bytes, base64url; only the SHA-256 is stored, so a read of the table opens no account. */
export const newAccountToken = newOpaqueToken;
export const isWellFormedAccountToken = isWellFormedOpaqueToken;
export const hashAccountToken = hashOpaqueToken;

/** The page URL with the token in the fragment, which browsers send to no server and put in no Referer. */
export function linkWithToken(pageUrl: string, token: string): string {
  return `${pageUrl}#token=${token}`;
}
