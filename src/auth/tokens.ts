import jwt from 'jsonwebtoken';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { JwtConfig } from '../config';
import { isAuthMethod, type Authentication } from './authentication';
import type { AccessClaims, UnverifiedClaims } from './claims';
import { isRole, type Role } from './role';
import type { TokenKeys } from './token-keys';
import { VerifiedTokenCache } from './verified-token.cache';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** Longest token we accept anywhere; a legitimate one is well under 1 KB. */
export const MAX_TOKEN_LENGTH = 8192;
/** Tolerated clock difference between instances for `iat`. */
const CLOCK_TOLERANCE_SECONDS = 30;

export interface IssuedAccessToken {
  token: string;
  jti: string;
  issuedAt: Date;
  expiresAt: Date;
  /** The key that signed it. */
  kid: string;
  /** Its Token Status List entry, when it carries a `status` claim. */
  status: StatusClaimEntry | null;
}

/** A token's entry in a Token Status List (draft-ietf-oauth-status-list §5.2). */
export interface StatusClaimEntry {
  listId: string;
  idx: number;
  uri: string;
}

/** `unknown-key`: the kid names no key this instance holds (yet); otherwise as `invalid`. */
export type VerifyFailure = 'expired' | 'invalid' | 'unknown-key';
export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; failure: VerifyFailure };

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function looksLikeJwt(token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && JWT_SHAPE.test(token);
}

/** 128 random bits, URL-safe. */
export function newJti(): string {
  return randomBytes(16).toString('base64url');
}

function readSegment(segment: string | undefined): Record<string, unknown> | null {
  if (segment === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
}

/** The header's kid without checking anything; null when absent or not a string. */
export function readUnverifiedKid(token: string): string | null {
  const kid = readSegment(token.split('.')[0])?.kid;
  return typeof kid === 'string' ? kid : null;
}

/** Reads jti/sub/sid/iat and the kid without checking anything; null when unreadable. */
export function readUnverifiedClaims(token: string): UnverifiedClaims | null {
  const payload = readSegment(token.split('.')[1]);
  if (payload === null) return null;
  const { jti, sub, sid, iat } = payload;
  if (typeof jti !== 'string' || typeof sub !== 'string' || typeof sid !== 'string') return null;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return null;
  return { jti, sub, sid, issuedAtMs: Math.round(iat * 1000), kid: readUnverifiedKid(token) };
}

/**
 * RFC 8725 §3.11: the explicit type keeps other JWTs signed with this key from passing as access
 * tokens; per RFC 7515 §4.1.9 it is case-insensitive and may carry the `application/` prefix.
 * A `crit` header names extensions we would have to understand (§4.1.11), and we understand none.
 */
function hasAccessTokenHeader(header: jwt.JwtHeader): boolean {
  const typ: unknown = header.typ;
  if (typeof typ !== 'string' || 'crit' in header) return false;
  const type = typ.toLowerCase();
  return type === ACCESS_TOKEN_TYPE || type === `application/${ACCESS_TOKEN_TYPE}`;
}

function toAccessClaims(payload: unknown, kid: string): AccessClaims | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { sub, role, sid, jti, iat, exp, auth_time: authTime, amr } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || typeof sid !== 'string' || typeof jti !== 'string' || jti.length < 16) return null;
  if (!isRole(role) || typeof iat !== 'number' || typeof exp !== 'number') return null;
  // Tokens issued before sessions recorded how their user signed in carry neither claim.
  if (authTime !== undefined && (typeof authTime !== 'number' || !Number.isFinite(authTime))) return null;
  if (amr !== undefined && !(Array.isArray(amr) && amr.every(isAuthMethod))) return null;
  return { sub, role, sid, jti, iat, exp, kid, authTime: authTime ?? null, amr: amr ?? [] };
}

export class TokenService {
  private readonly verified: VerifiedTokenCache;

  constructor(
    private readonly config: JwtConfig,
    private readonly clock: Clock,
    readonly keys: TokenKeys,
  ) {
    this.verified = new VerifiedTokenCache(config.verifiedTokenCacheSize);
  }

  get accessTokenTtlSeconds(): number {
    return this.config.accessTokenTtlSeconds;
  }

  /**
   * Whether a token signed now gets a status claim: only an ES256 key's. Anyone can verify those
   * tokens and their lists; an HS256 token is checked by this service alone, and the draft
   * discourages MAC-only lists (§12.6).
   */
  signsWithStatus(): boolean {
    return this.keys.signer().algorithm === 'ES256';
  }

  /**
   * `notBefore` is the user's revocation cutoff: the token's `iat` is placed strictly after it,
   * so that a login right after "revoke all" is valid even within the same millisecond.
   */
  signAccessToken(
    subject: { userId: string; role: Role; sessionId: string; authentication: Authentication },
    notBefore: Date | null,
    statusEntry: StatusClaimEntry | null = null,
  ): IssuedAccessToken {
    const issuedAtMs = Math.max(this.clock(), (notBefore?.getTime() ?? 0) + 1);
    const expSeconds = Math.floor(issuedAtMs / 1000) + this.config.accessTokenTtlSeconds;
    const jti = newJti();
    const payload = {
      sub: subject.userId,
      role: subject.role,
      sid: subject.sessionId,
      jti,
      iat: issuedAtMs / 1000,
      exp: expSeconds,
      auth_time: Math.floor(subject.authentication.at.getTime() / 1000),
      amr: subject.authentication.methods,
      iss: this.config.issuer,
      aud: this.config.audience,
    };
    const key = this.keys.signer();
    // A rotation to an HS256 key between allocating and signing: the entry simply stays unused.
    const status = key.algorithm === 'ES256' ? statusEntry : null;
    const claims = status ? { ...payload, status: { status_list: { idx: status.idx, uri: status.uri } } } : payload;
    const token = jwt.sign(claims, key.pair.signing, {
      algorithm: key.algorithm,
      header: { alg: key.algorithm, typ: ACCESS_TOKEN_TYPE, kid: key.kid },
    });
    return {
      token,
      jti,
      issuedAt: new Date(issuedAtMs),
      expiresAt: new Date(expSeconds * 1000),
      kid: key.kid,
      status,
    };
  }

  /** What the revocation check needs, read from the payload, or recalled when the token verified before. */
  claimsForCheck(token: string): UnverifiedClaims | null {
    return this.verified.get(token)?.forCheck ?? readUnverifiedClaims(token);
  }

  /**
   * Checks signature, issuer, audience, type, expiry and the claims we rely on. The kid picks the
   * key, and the key alone decides the algorithm (RFC 8725 §3.1): an ES256 header on an HMAC
   * key's kid, or the reverse, fails.
   */
  verifyAccessToken(token: string, options: { ignoreExpiration?: boolean } = {}): VerifyResult {
    const known = this.verified.get(token);
    if (known) {
      const expired = known.claims.exp * 1000 <= this.clock();
      return expired && !options.ignoreExpiration
        ? { ok: false, failure: 'expired' }
        : { ok: true, claims: known.claims };
    }
    if (!looksLikeJwt(token)) return { ok: false, failure: 'invalid' };
    const kid = readUnverifiedKid(token);
    if (kid === null) return { ok: false, failure: 'invalid' };
    const key = this.keys.verifier(kid);
    if (!key) return { ok: false, failure: 'unknown-key' };
    const nowSeconds = this.clock() / 1000;
    let decoded: jwt.Jwt;
    try {
      decoded = jwt.verify(token, key.pair.verifying, {
        algorithms: [key.algorithm],
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTimestamp: nowSeconds,
        ignoreExpiration: options.ignoreExpiration ?? false,
        complete: true,
      });
    } catch (error) {
      return { ok: false, failure: error instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
    }
    if (!hasAccessTokenHeader(decoded.header)) return { ok: false, failure: 'invalid' };
    const claims = toAccessClaims(decoded.payload, kid);
    if (!claims || claims.iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) return { ok: false, failure: 'invalid' };
    this.verified.remember(token, claims);
    return { ok: true, claims };
  }
}
