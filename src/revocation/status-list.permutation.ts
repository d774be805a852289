import { createHmac } from 'node:crypto';

/** Luby–Rackoff: four rounds make a pseudo-random permutation; eight leave a margin. */
const ROUNDS = 8;

/**
 * A keyed pseudo-random permutation of `[0, size)`: a balanced Feistel network over the smallest
 * even number of bits that holds `size`, with HMAC-SHA256 as its round function, and cycle walking
 * back into range. Position n (the n-th entry handed out) maps to a list index that, without the
 * key, says nothing of n: tokens issued one after another get unrelated indices (draft §13.4),
 * and no index repeats, so the list needs no record of which are free.
 */
export class IndexPermutation {
  private readonly halfBits: number;
  private readonly mask: number;

  constructor(
    private readonly key: Buffer,
    readonly size: number,
  ) {
    if (!Number.isSafeInteger(size) || size < 2 || size > 2 ** 24) throw new RangeError(`size ${size} out of range`);
    const bits = Math.ceil(Math.log2(size));
    this.halfBits = Math.ceil(bits / 2);
    this.mask = (1 << this.halfBits) - 1;
  }

  /** The list index of `position`; distinct positions give distinct indices. */
  indexOf(position: number): number {
    if (!Number.isSafeInteger(position) || position < 0 || position >= this.size) {
      throw new RangeError(`position ${position} out of range`);
    }
    // Every value outside [0, size) lies on a cycle that comes back into it: at most a few steps.
    let value = this.encrypt(position);
    while (value >= this.size) value = this.encrypt(value);
    return value;
  }

  private encrypt(value: number): number {
    let left = value >>> this.halfBits;
    let right = value & this.mask;
    const block = Buffer.alloc(5);
    for (let round = 0; round < ROUNDS; round += 1) {
      block.writeUInt8(round, 0);
      block.writeUInt32BE(right, 1);
      const f = createHmac('sha256', this.key).update(block).digest().readUInt32BE(0) & this.mask;
      [left, right] = [right, left ^ f];
    }
    return (left << this.halfBits) | right;
  }
}
