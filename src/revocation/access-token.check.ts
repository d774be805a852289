import type { RevocationCheck } from './revocation.check';
import type { AccessClaims } from '../auth/claims';
import type { TokenService } from '../auth/tokens';

/** What one access token is worth right now, on this instance. */
export type AccessTokenStatus =
  | { status: 'active'; claims: AccessClaims }
  | { status: 'revoked'; reason: string | null }
  | { status: 'expired' }
  | { status: 'invalid' };

/**
 * Revocation check on the unverified claims, then signature and claims: a revoked token costs no
 * signature work unless we are about to say why it was refused. Shared by the request pipeline
 * and introspection so both answer alike. Throws when the revocation state cannot be read.
 */
export async function checkAccessToken(
  tokens: TokenService,
  revocations: Pick<RevocationCheck, 'isRevoked'>,
  token: string,
): Promise<AccessTokenStatus> {
  const unverified = tokens.claimsForCheck(token);
  if (!unverified) return { status: 'invalid' };
  const revoked = await revocations.isRevoked(unverified);
  if (revoked) {
    // The stored reason is shown only to the holder of the genuine token, not to a forged twin.
    const genuine = await verifyLearningKeys(tokens, token, true);
    return genuine.ok ? { status: 'revoked', reason: revoked.reason } : { status: 'invalid' };
  }
  const verified = await verifyLearningKeys(tokens, token, false);
  if (verified.ok) return { status: 'active', claims: verified.claims };
  return { status: verified.failure === 'expired' ? 'expired' : 'invalid' };
}

/**
 * A kid this instance does not hold yet may be a key another instance has just activated (an
 * emergency rotation skips the NEXT wait): read the keys once more before refusing.
 */
async function verifyLearningKeys(tokens: TokenService, token: string, ignoreExpiration: boolean) {
  const first = tokens.verifyAccessToken(token, { ignoreExpiration });
  if (first.ok || first.failure !== 'unknown-key') return first;
  return (await tokens.keys.reloadForUnknownKid()) ? tokens.verifyAccessToken(token, { ignoreExpiration }) : first;
}
