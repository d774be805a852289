// Compiled into @token-warden/verifier from this one source (packages/verifier): it imports nothing.

export interface Revoked {
  reason: string | null;
}

/** What is recorded against one token's jti, user and session, whichever of the three exist. */
export interface RevocationFacts {
  /** The jti is blacklisted until `untilMs` (the token's own expiry). */
  jti?: { untilMs: number; reason: string | null } | undefined;
  /** The user's cutoff: every token issued at or before it is revoked, for good. */
  user?: { cutoffMs: number; reason: string | null } | undefined;
  /** The token's signing key is revoked: every token it signed is refused, whenever issued. */
  key?: { reason: string | null } | undefined;
  /** The session's cutoff, enforced until `untilMs`, when every token it refuses has expired. */
  session?: { cutoffMs: number; untilMs: number; reason: string | null } | undefined;
}

/**
 * The one rule for "is this token revoked, and why", used by the mirror and by the database
 * check alike. A token is revoked when any of the four applies; each is judged on its own
 * (never one cutoff instead of another, the mistake behind Keycloak's CVE-2026 not-before bugs),
 * and the reason shown is the most specific one that applies: jti, then key, then session, then user.
 */
export function revocationOf(token: { issuedAtMs: number }, facts: RevocationFacts, nowMs: number): Revoked | null {
  const { jti, key, session, user } = facts;
  if (jti !== undefined && jti.untilMs > nowMs) return { reason: jti.reason };
  if (key !== undefined) return { reason: key.reason };
  if (session !== undefined && session.untilMs > nowMs && token.issuedAtMs <= session.cutoffMs) {
    return { reason: session.reason };
  }
  if (user !== undefined && token.issuedAtMs <= user.cutoffMs) return { reason: user.reason };
  return null;
}
