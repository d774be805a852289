import { createHmac, sign, type KeyObject } from 'node:crypto';

const encodeText = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Builds a JWT from the exact JSON texts given, so that tests can write duplicate keys or non-JSON. */
export function forgeRawJwt(headerText: string, payloadText: string, secret: string | Buffer | null): string {
  const signingInput = `${encodeText(headerText)}.${encodeText(payloadText)}`;
  const signature = secret === null ? '' : createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** Builds a JWT by hand, so that tests can make tokens no honest library would. */
export function forgeJwt(header: object, payload: object, secret: string | Buffer | null): string {
  return forgeRawJwt(JSON.stringify(header), JSON.stringify(payload), secret);
}

/** An RS256 token signed with the given private key. */
export function forgeRs256Jwt(header: object, payload: object, privateKey: KeyObject): string {
  const signingInput = `${encodeText(JSON.stringify(header))}.${encodeText(JSON.stringify(payload))}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url')}`;
}

export function decodeJwtPart(token: string, index: 0 | 1): Record<string, unknown> {
  const part = token.split('.')[index];
  if (part === undefined) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** An ES256 token signed with the given P-256 private key (JWS wants the raw r‖s signature). */
export function forgeEs256Jwt(header: object, payload: object, privateKey: KeyObject): string {
  const signingInput = `${encodeText(JSON.stringify(header))}.${encodeText(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}
