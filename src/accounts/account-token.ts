import { createHash, randomBytes } from 'node:crypto';

const ACCOUNT_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** 256 random bits, base64url: nothing to guess, so a fast hash is enough to store it. */
export function newAccountToken(): string {
  return randomBytes(32).toString('base64url');
}

export function isWellFormedAccountToken(token: string): boolean {
  return ACCOUNT_TOKEN.test(token);
}

/** Only this is stored: someone who reads the table cannot use what is in it. */
export function hashAccountToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The page URL with the token in the fragment, which browsers send to no server and put in no Referer. */
export function linkWithToken(pageUrl: string, token: string): string {
  return `${pageUrl}#token=${token}`;
}
