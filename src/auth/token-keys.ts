import type { KeyObject } from 'node:crypto';
import type { JwtAlgorithm } from '../config';

/** The KeyObjects a key signs and verifies with; prepared once, since raw keys cost far more per call. */
export interface KeyPair {
  signing: KeyObject;
  verifying: KeyObject;
}

/** One signing key as the token service uses it. */
export interface TokenKey {
  kid: string;
  algorithm: JwtAlgorithm;
  pair: KeyPair;
}

/** Where the token service finds its keys: the key ring (keys/) implements it. */
export interface TokenKeys {
  /** The key that signs now. */
  signer(): TokenKey;
  /** The key a token's kid names, if this instance holds it and it still verifies. */
  verifier(kid: string): TokenKey | undefined;
  /** Reads the keys again for a kid not held yet; true when anything new arrived. */
  reloadForUnknownKid(): Promise<boolean>;
}
