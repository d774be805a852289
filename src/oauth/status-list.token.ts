import jwt from 'jsonwebtoken';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Clock } from '../clock';
import type { KeyRing, RingKey } from '../keys/key-ring';
import { signsFrom } from '../keys/key-state';
import type { ListState } from '../revocation/status-list.service';
import { encodeLst } from '../revocation/status-list.encoding';

const gzipAsync = promisify(gzip);

export const STATUS_LIST_TOKEN_TYPE = 'statuslist+jwt';

/** A Status List Token as served: the JWT, and its gzip for clients that ask. */
export interface BuiltStatusList {
  jwt: string;
  gzipped: Buffer;
}

interface Encoded {
  version: number;
  lst: string;
}

interface Signed extends BuiltStatusList {
  version: number;
  kid: string;
  issuedAtS: number;
}

/**
 * The key a Status List Token is signed with: the signing key when it is ES256, else the newest
 * ES256 key that signs now. Never an HS256 key: a MAC-only list helps nobody but us (draft §12.6).
 */
function es256Signer(ring: KeyRing, nowMs: number): RingKey | null {
  try {
    const signer = ring.signer();
    if (signer.algorithm === 'ES256') return signer;
  } catch {
    return null;
  }
  const candidates = ring
    .published()
    .filter((key) => key.algorithm === 'ES256' && signsFrom(key.row, nowMs) && key.row.activatedAt.getTime() <= nowMs)
    .sort((a, b) => b.row.activatedAt.getTime() - a.row.activatedAt.getTime());
  return candidates[0] ?? null;
}

/**
 * Builds each list's Status List Token (draft §5.1) once per change window: the bits are
 * compressed when their version moves, and signed again when the version or the key moves, or
 * once half of `ttl` has passed, so that every answer has at least `ttl` left before `exp`.
 * Concurrent GETs of one list share one build.
 */
export class StatusListTokens {
  private readonly encoded = new Map<string, Encoded>();
  private readonly signed = new Map<string, Signed>();
  private readonly building = new Map<string, { version: number; done: Promise<BuiltStatusList> }>();

  constructor(
    private readonly ring: KeyRing,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
    private readonly uriOf: (id: string) => string,
  ) {}

  /** The token for the list as it is now; null when no ES256 key can sign it. */
  get(list: ListState): Promise<BuiltStatusList | null> {
    const signed = this.signed.get(list.id);
    const key = es256Signer(this.ring, this.clock());
    if (key === null) return Promise.resolve(null);
    if (signed && this.fresh(signed, list, key)) return Promise.resolve(signed);
    const version = list.bits.version;
    const pending = this.building.get(list.id);
    // A build of older bits is no answer to a GET that must show a revocation made since.
    if (pending?.version === version) return pending.done;
    const done = this.build(list, key).finally(() => {
      if (this.building.get(list.id)?.done === done) this.building.delete(list.id);
    });
    this.building.set(list.id, { version, done });
    return done;
  }

  private fresh(signed: Signed, list: ListState, key: RingKey): boolean {
    const halfTtlPassed = this.clock() / 1000 - signed.issuedAtS >= this.ttlSeconds / 2;
    return signed.version === list.bits.version && signed.kid === key.kid && !halfTtlPassed;
  }

  private async build(list: ListState, key: RingKey): Promise<BuiltStatusList> {
    const version = list.bits.version;
    let encoded = this.encoded.get(list.id);
    if (encoded?.version !== version) {
      // A copy: bits set while the thread pool compresses must not tear the bytes it reads.
      encoded = { version, lst: await encodeLst(Buffer.from(list.bits.bytes)) };
      if ((this.encoded.get(list.id)?.version ?? -1) < version) this.encoded.set(list.id, encoded);
    }
    const issuedAtS = Math.floor(this.clock() / 1000);
    const payload = {
      sub: this.uriOf(list.id),
      iat: issuedAtS,
      // Twice the ttl: signed again after half of it, an answer always has a whole ttl left.
      exp: issuedAtS + 2 * this.ttlSeconds,
      ttl: this.ttlSeconds,
      status_list: { bits: 1, lst: encoded.lst },
    };
    const token = jwt.sign(payload, key.pair.signing, {
      algorithm: 'ES256',
      header: { alg: 'ES256', typ: STATUS_LIST_TOKEN_TYPE, kid: key.kid },
    });
    const signed: Signed = { jwt: token, gzipped: await gzipAsync(token), version, kid: key.kid, issuedAtS };
    if ((this.signed.get(list.id)?.version ?? -1) <= version) this.signed.set(list.id, signed);
    return signed;
  }
}
