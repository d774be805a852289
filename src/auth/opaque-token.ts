import { createHash, randomBytes } from 'node:crypto';

/**
 * A secret handed out once and kept only as a hash: refresh tokens, the tokens of mailed links.
 * 256 random bits in base64url, so a fast hash is enough to store it: there is nothing to guess.
 */
const OPAQUE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

export function isWellFormedOpaqueToken(token: string): boolean {
  return OPAQUE_TOKEN.test(token);
}

export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
