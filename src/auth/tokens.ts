import jwt from 'jsonwebtoken';
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { Clock } from '../clock';
import type { JwtConfig } from '../config';
import { isRole, type Role } from './role';
import { VerifiedTokenCache } from './verified-token.cache';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** Longest token we accept anywhere; a legitimate one is well under 1 KB. */
export const MAX_TOKEN_LENGTH = 8192;
/** Tolerated clock difference between instances for `iat`. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** The claims of a verified access token. `iat` is a NumericDate with millisecond precision. */
export interface AccessClaims {
  sub: string;
  role: Role;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
}

/** What the revocation check reads from a token before anything about it is trusted. */
export interface UnverifiedClaims {
  jti: string;
  sub: string;
  sid: string;
  issuedAtMs: number;
}

export interface IssuedAccessToken {
  token: string;
  jti: string;
  issuedAt: Date;
  expiresAt: Date;
}

export type VerifyFailure = 'expired' | 'invalid';
export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; failure: VerifyFailure };

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function looksLikeJwt(token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && JWT_SHAPE.test(token);
}

/** 128 random bits, URL-safe. */
export function newJti(): string {
  return randomBytes(16).toString('base64url');
}

/** Reads jti/sub/sid/iat from the payload segment without checking anything; null when unreadable. */
export function readUnverifiedClaims(token: string): UnverifiedClaims | null {
  const payloadSegment = token.split('.')[1];
  if (payloadSegment === undefined) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(payloadSegment, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null) return null;
  const { jti, sub, sid, iat } = payload as Record<string, unknown>;
  if (typeof jti !== 'string' || typeof sub !== 'string' || typeof sid !== 'string') return null;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return null;
  return { jti, sub, sid, issuedAtMs: Math.round(iat * 1000) };
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

function toAccessClaims(payload: unknown): AccessClaims | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { sub, role, sid, jti, iat, exp } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || typeof sid !== 'string' || typeof jti !== 'string' || jti.length < 16) return null;
  if (!isRole(role) || typeof iat !== 'number' || typeof exp !== 'number') return null;
  return { sub, role, sid, jti, iat, exp };
}

export class TokenService {
  // A KeyObject is prepared once; passing the raw secret to every verify costs ~30x more.
  private readonly key: KeyObject;
  private readonly verified: VerifiedTokenCache;

  constructor(
    private readonly config: JwtConfig,
    private readonly clock: Clock,
  ) {
    this.key = createSecretKey(config.secret);
    this.verified = new VerifiedTokenCache(config.verifiedTokenCacheSize);
  }

  get accessTokenTtlSeconds(): number {
    return this.config.accessTokenTtlSeconds;
  }

  /**
   * `notBefore` is the user's revocation cutoff: the token's `iat` is placed strictly after it,
   * so that a login right after "revoke all" is valid even within the same millisecond.
   */
  signAccessToken(
    subject: { userId: string; role: Role; sessionId: string },
    notBefore: Date | null,
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
      iss: this.config.issuer,
      aud: this.config.audience,
    };
    const token = jwt.sign(payload, this.key, { algorithm: 'HS256', header: { alg: 'HS256', typ: ACCESS_TOKEN_TYPE } });
    return { token, jti, issuedAt: new Date(issuedAtMs), expiresAt: new Date(expSeconds * 1000) };
  }

  /** What the revocation check needs, read from the payload, or recalled when the token verified before. */
  claimsForCheck(token: string): UnverifiedClaims | null {
    return this.verified.get(token)?.forCheck ?? readUnverifiedClaims(token);
  }

  /** Checks signature (HS256 only), issuer, audience, type, expiry and the claims we rely on. */
  verifyAccessToken(token: string, options: { ignoreExpiration?: boolean } = {}): VerifyResult {
    const known = this.verified.get(token);
    if (known) {
      const expired = known.claims.exp * 1000 <= this.clock();
      return expired && !options.ignoreExpiration
        ? { ok: false, failure: 'expired' }
        : { ok: true, claims: known.claims };
    }
    if (!looksLikeJwt(token)) return { ok: false, failure: 'invalid' };
    const nowSeconds = this.clock() / 1000;
    let decoded: jwt.Jwt;
    try {
      decoded = jwt.verify(token, this.key, {
        algorithms: ['HS256'],
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
    const claims = toAccessClaims(decoded.payload);
    if (!claims || claims.iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) return { ok: false, failure: 'invalid' };
    this.verified.remember(token, claims);
    return { ok: true, claims };
  }
}
