import { createHash, timingSafeEqual } from 'node:crypto';

const sha256 = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();

/**
 * A configured secret (METRICS_TOKEN, an OAuth client's), kept as its SHA-256 digest. A candidate
 * is compared digest to digest in constant time: both are 32 bytes whatever was sent, so neither
 * the secret's length nor the first differing byte shows in the time taken.
 */
export class SecretDigest {
  private readonly digest: Buffer;

  constructor(secret: string) {
    this.digest = sha256(secret);
  }

  matches(candidate: string): boolean {
    return timingSafeEqual(sha256(candidate), this.digest);
  }
}
