import type * as Jose from 'jose' with { 'resolution-mode': 'import' };
import { VerifierError } from './verifier.error';

/** The claims of an accepted token, with the header's `kid`. `iat` has a millisecond fraction. */
export interface VerifiedClaims {
  sub: string;
  role: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  kid: string;
  iss: string;
  aud: string | string[];
  /** When the user last authenticated, in seconds (absent on tokens from before the service recorded it). */
  auth_time?: number;
  /** How they authenticated, as RFC 8176 method references: `pwd`, `otp`, `mfa`, `hwk`, `swk`, `user`. */
  amr?: string[];
  [claim: string]: unknown;
}

export type JoseModule = typeof Jose;
export type RemoteKeys = ReturnType<JoseModule['createRemoteJWKSet']>;

/** jose is an ES module: a CommonJS package loads it this way on every Node version it supports. */
export const loadJose = (): Promise<JoseModule> => import('jose');

/** Longest token accepted, as the service: a genuine one is well under 1 KB. */
const MAX_TOKEN_LENGTH = 8192;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** The service's own tolerance for an `iat` ahead of this clock. */
const CLOCK_TOLERANCE_SECONDS = 30;

const invalid = (message: string) => new VerifierError('INVALID_TOKEN', message);

/** The kid names no key held: the caller may fetch the key set again and retry once. */
export class UnknownKey extends VerifierError {
  constructor() {
    super('INVALID_TOKEN', 'The token names a key the service does not publish.');
  }
}

/** The header's kid, read before anything is trusted: it decides which key may verify the token. */
export function headerKidOf(jose: JoseModule, token: string): string {
  if (token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) throw invalid('The token is not a JWT.');
  let header: Jose.ProtectedHeaderParameters;
  try {
    header = jose.decodeProtectedHeader(token);
  } catch {
    throw invalid('The token header is unreadable.');
  }
  if (typeof header.kid !== 'string' || header.kid === '') throw invalid('The token header names no key.');
  return header.kid;
}

export interface Expectations {
  issuer: string;
  audience: string;
  nowMs: number;
}

/**
 * Everything the service checks itself: ES256 only (the key decides, RFC 8725 §3.1), the key from
 * the published set, issuer, audience, `typ: at+jwt`, no `crit` jose does not understand, expiry,
 * an `iat` not from the future, and the claims the revocation rule reads.
 */
export async function verifySignedToken(
  jose: JoseModule,
  keys: RemoteKeys,
  token: string,
  kid: string,
  expected: Expectations,
): Promise<VerifiedClaims> {
  let payload: Jose.JWTPayload;
  try {
    ({ payload } = await jose.jwtVerify(token, keys, {
      algorithms: ['ES256'],
      issuer: expected.issuer,
      audience: expected.audience,
      typ: 'at+jwt',
      currentDate: new Date(expected.nowMs),
      requiredClaims: ['exp', 'iat', 'sub', 'jti'],
    }));
  } catch (error) {
    if (error instanceof jose.errors.JWTExpired) throw new VerifierError('TOKEN_EXPIRED', 'The token has expired.');
    if (error instanceof jose.errors.JWKSNoMatchingKey) throw new UnknownKey();
    throw invalid('The token did not verify.');
  }
  const { sub, role, sid, jti, iat, exp } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || typeof sid !== 'string' || typeof jti !== 'string' || jti.length < 16) {
    throw invalid('The token lacks the claims of an access token.');
  }
  if (typeof role !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') {
    throw invalid('The token lacks the claims of an access token.');
  }
  if (iat > expected.nowMs / 1000 + CLOCK_TOLERANCE_SECONDS) throw invalid('The token was issued in the future.');
  return { ...(payload as VerifiedClaims), kid };
}
