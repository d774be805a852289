import { createPrivateKey, createPublicKey, createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyPair } from '../auth/token-keys';
import type { JwtAlgorithm } from '../config';

/** A new key's secret half (to be sealed) and, for ES256, its public JWK. */
export interface NewKeyMaterial {
  secret: Buffer;
  publicJwk: Record<string, string> | null;
}

/** 256 bits for HMAC (RFC 7518 §3.2 asks at least the hash size); P-256 for ECDSA. */
export function generateKeyMaterial(algorithm: JwtAlgorithm): NewKeyMaterial {
  if (algorithm === 'HS256') return { secret: randomBytes(32), publicJwk: null };
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.x === undefined || jwk.y === undefined) throw new Error('P-256 public key without coordinates');
  return {
    secret: privateKey.export({ format: 'der', type: 'pkcs8' }),
    publicJwk: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
  };
}

export function keyPairOf(algorithm: JwtAlgorithm, secret: Buffer): KeyPair {
  if (algorithm === 'HS256') {
    const key = createSecretKey(secret);
    return { signing: key, verifying: key };
  }
  const signing = createPrivateKey({ key: secret, format: 'der', type: 'pkcs8' });
  return { signing, verifying: createPublicKey(signing) };
}
