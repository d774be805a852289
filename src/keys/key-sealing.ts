import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The key that seals signing keys at rest, derived from JWT_SECRET so that no second secret must be managed. */
export function deriveKeyEncryptionKey(secret: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'token-warden', 'signing-key-encryption v1', 32));
}

/**
 * AES-256-GCM, with the kid as associated data: a sealed secret copied onto another key's row
 * does not open there, so a database writer cannot swap key material between kids.
 */
export function sealSecret(kek: Buffer, kid: string, secret: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const sealed = Buffer.concat([cipher.update(secret), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), sealed]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

/** Throws when the sealed text was not sealed under this key for this kid (JWT_SECRET changed, or tampering). */
export function unsealSecret(kek: Buffer, kid: string, sealed: string): Buffer {
  const [version, iv, tag, body, ...rest] = sealed.split('.');
  if (version !== VERSION || iv === undefined || tag === undefined || body === undefined || rest.length > 0) {
    throw new Error(`signing key ${kid} is stored in a format this version does not read`);
  }
  const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(kid, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
}
