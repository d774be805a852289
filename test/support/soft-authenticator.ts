import { encodeCBOR, type CBORType } from '@levischuck/tiny-cbor';
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/** An authenticator in Node: real ES256 keys, attestation "none", as a browser's answers carry them. */

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

export const TEST_ORIGIN = 'http://localhost:5173';
export const TEST_RP_ID = 'localhost';

const b64url = (bytes: Uint8Array | Buffer | string) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

/** One passkey this authenticator holds. */
export interface SoftCredential {
  id: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
  rpId: string;
  userHandle: string;
  counter: number;
}

export interface CeremonyTweaks {
  /** The origin written into the client data. @default TEST_ORIGIN */
  origin?: string;
  /** The relying party id whose hash goes into the authenticator data. @default the options' */
  rpId?: string;
  /** Whether the user was verified (a PIN, a fingerprint). @default true */
  userVerified?: boolean;
  /** The signature counter to send instead of the next one. */
  counter?: number;
  /** Changes the client data after it is signed over (for assertions) or before (for registrations). */
  clientData?: (data: Record<string, unknown>) => Record<string, unknown>;
}

type Json = Record<string, unknown>;

function coseKey(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  const key = new Map<number, CBORType>([
    [1, 2], // kty: EC2
    [3, -7], // alg: ES256
    [-1, 1], // crv: P-256
    [-2, Buffer.from(jwk.x ?? '', 'base64url')],
    [-3, Buffer.from(jwk.y ?? '', 'base64url')],
  ]);
  return encodeCBOR(key);
}

function counterBytes(counter: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(counter);
  return bytes;
}

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];

  /** @param backedUp a synced passkey (BE and BS set) rather than one bound to this device */
  constructor(private readonly options: { backedUp?: boolean } = {}) {}

  private flags(userVerified: boolean, extra = 0): number {
    const backup = this.options.backedUp ? FLAG_BE | FLAG_BS : 0;
    return FLAG_UP | (userVerified ? FLAG_UV : 0) | backup | extra;
  }

  /** Answers `navigator.credentials.create` for these creation options, keeping the new credential. */
  register(creation: Json, tweaks: CeremonyTweaks = {}): { response: Json; credential: SoftCredential } {
    const rp = creation.rp as { id?: string };
    const user = creation.user as { id: string };
    const rpId = tweaks.rpId ?? rp.id ?? TEST_RP_ID;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const credential: SoftCredential = {
      id: randomBytes(32),
      privateKey,
      publicKey,
      rpId: rp.id ?? TEST_RP_ID,
      userHandle: user.id,
      counter: 0,
    };
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credential.id.length);
    const authData = Buffer.concat([
      sha256(rpId),
      Buffer.from([this.flags(tweaks.userVerified ?? true, FLAG_AT)]),
      counterBytes(tweaks.counter ?? 0),
      Buffer.alloc(16), // AAGUID: none, as with attestation "none"
      idLength,
      credential.id,
      coseKey(publicKey),
    ]);
    const created = this.clientData('webauthn.create', creation.challenge as string, tweaks.origin);
    const clientData = tweaks.clientData ? tweaks.clientData(created) : created;
    const attestationObject = encodeCBOR(
      new Map<string, CBORType>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    this.credentials.push(credential);
    return {
      credential,
      response: {
        id: b64url(credential.id),
        rawId: b64url(credential.id),
        type: 'public-key',
        response: {
          clientDataJSON: b64url(JSON.stringify(clientData)),
          attestationObject: b64url(attestationObject),
          transports: ['internal'],
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      },
    };
  }

  /**
   * Answers `navigator.credentials.get`: with `credential`, or the first one allowed, or (for a
   * discoverable request) the first this authenticator holds for the relying party.
   */
  assert(request: Json, tweaks: CeremonyTweaks & { credential?: SoftCredential } = {}): Json {
    const allowed = ((request.allowCredentials as Array<{ id: string }> | undefined) ?? []).map((c) => c.id);
    const rpIdOfRequest = (request.rpId as string | undefined) ?? TEST_RP_ID;
    const credential =
      tweaks.credential ??
      this.credentials.find(
        (c) => c.rpId === rpIdOfRequest && (allowed.length === 0 || allowed.includes(b64url(c.id))),
      );
    if (!credential) throw new Error('this authenticator holds no credential the request allows');
    credential.counter = tweaks.counter ?? credential.counter + 1;
    const authData = Buffer.concat([
      sha256(tweaks.rpId ?? rpIdOfRequest),
      Buffer.from([this.flags(tweaks.userVerified ?? true)]),
      counterBytes(credential.counter),
    ]);
    const signedClientData = JSON.stringify(
      this.clientData('webauthn.get', request.challenge as string, tweaks.origin),
    );
    const signature = sign('sha256', Buffer.concat([authData, sha256(signedClientData)]), credential.privateKey);
    const sentClientData = tweaks.clientData
      ? JSON.stringify(tweaks.clientData(JSON.parse(signedClientData) as Json))
      : signedClientData;
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key',
      response: {
        clientDataJSON: b64url(sentClientData),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  private clientData(type: string, challenge: string, origin: string | undefined): Json {
    return { type, challenge, origin: origin ?? TEST_ORIGIN, crossOrigin: false };
  }
}
