import { registerEnumType } from 'type-graphql';
import type { SigningKeyRow } from '../db/schema';

export enum SigningKeyState {
  NEXT = 'NEXT',
  ACTIVE = 'ACTIVE',
  RETIRED = 'RETIRED',
  REVOKED = 'REVOKED',
}

registerEnumType(SigningKeyState, {
  name: 'SigningKeyState',
  description:
    'NEXT: published, verifies, does not sign yet. ACTIVE: signs. RETIRED: verifies until the last token it signed has expired. REVOKED: every token it signed is refused.',
});

type KeyInstants = Pick<SigningKeyRow, 'activatedAt' | 'retiredAt' | 'revokedAt'>;

export function stateOf(key: KeyInstants, nowMs: number): SigningKeyState {
  if (key.revokedAt !== null) return SigningKeyState.REVOKED;
  if (key.retiredAt !== null && key.retiredAt.getTime() <= nowMs) return SigningKeyState.RETIRED;
  return key.activatedAt.getTime() <= nowMs ? SigningKeyState.ACTIVE : SigningKeyState.NEXT;
}

/**
 * A retired key verifies until every token it can have signed has expired. The grace covers
 * clock skew between instances and an instance that learns of the retirement a little late.
 */
export const RETIRED_KEY_GRACE_MS = 60_000;

export function verifiesUntilMs(key: KeyInstants, accessTokenTtlSeconds: number): number {
  if (key.retiredAt === null) return Number.POSITIVE_INFINITY;
  return key.retiredAt.getTime() + accessTokenTtlSeconds * 1000 + RETIRED_KEY_GRACE_MS;
}

/** Whether the key may still sign at some instant from `nowMs` on. */
export function signsFrom(key: KeyInstants, nowMs: number): boolean {
  return key.revokedAt === null && (key.retiredAt === null || key.retiredAt.getTime() > nowMs);
}
