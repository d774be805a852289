import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 64;
const SALT_BYTES = 16;
const MAX_MEMORY_BYTES = 64 * 1024 * 1024;

/** scrypt's work factors, stored in every hash so that a hash made at another cost still verifies. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** What every server hashes with unless its constructor is given another cost (tests give a cheap one). */
export const SCRYPT_COST: ScryptCost = { N: 16_384, r: 8, p: 1 };

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: MAX_MEMORY_BYTES };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** scrypt, run on libuv's thread pool so a login never blocks the event loop. */
export class PasswordHasher {
  private decoy: Promise<string> | undefined;

  constructor(private readonly cost: ScryptCost = SCRYPT_COST) {}

  async hash(password: string): Promise<string> {
    const { N, r, p } = this.cost;
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, this.cost);
    return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, n, r, p, salt, key] = stored.split('$');
    if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
    const expected = Buffer.from(key, 'base64');
    const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  /**
   * A real hash of nothing at this hasher's cost, checked when the email is unknown so that the
   * answer takes as long as for a wrong password and does not tell whether the account exists.
   */
  decoyHash(): Promise<string> {
    this.decoy ??= this.hash(randomBytes(24).toString('base64'));
    return this.decoy;
  }
}
