import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as every authenticator app reads it by default: SHA-1, 6 digits, 30 seconds. */
const ALGORITHM = 'SHA1';
const DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/** One step either side: a phone's clock a little off, or a code typed as it rolled over. */
const WINDOW = 1;
/** 160 bits, the HMAC-SHA-1 block-friendly size RFC 4226 recommends. */
const SECRET_BYTES = 20;

export const TOTP_CODE = /^\d{6}$/;

const totpOf = (secretBase32: string, issuer = '', label = '') =>
  new TOTP({
    issuer,
    label,
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });

export const newTotpSecret = (): string => new Secret({ size: SECRET_BYTES }).base32;

/** The `otpauth://totp/…` URI an authenticator app reads, usually from a QR code. */
export const otpauthUri = (secretBase32: string, issuer: string, accountEmail: string): string =>
  totpOf(secretBase32, issuer, accountEmail).toString();

/**
 * The time step `code` is valid for at `nowMs`, within the window, or null. The caller still
 * has to refuse a step already used.
 */
export function matchingStep(secretBase32: string, code: string, nowMs: number): number | null {
  if (!TOTP_CODE.test(code)) return null;
  const delta = totpOf(secretBase32).validate({ token: code, timestamp: nowMs, window: WINDOW });
  if (delta === null) return null;
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS) + delta;
}
