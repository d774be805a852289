/**
 * One list's statuses, one bit each (draft-ietf-oauth-status-list §4.1, `bits: 1`): index i is bit
 * i % 8, least significant first, of byte i / 8. 1 is INVALID (the revocation rule refuses the
 * token), 0 VALID. `version` rises with every change, so an encoding can tell it is still current.
 */
export class ListBits {
  readonly bytes: Uint8Array;
  version = 0;

  constructor(readonly size: number) {
    this.bytes = new Uint8Array(Math.ceil(size / 8));
  }

  /** Sets the bit; bits are only ever set, as a live token once refused stays refused. */
  set(idx: number): void {
    if (!Number.isInteger(idx) || idx < 0 || idx >= this.size) return;
    const byte = idx >> 3;
    const mask = 1 << (idx & 7);
    const current = this.bytes[byte] ?? 0;
    if ((current & mask) !== 0) return;
    this.bytes[byte] = current | mask;
    this.version += 1;
  }

  get(idx: number): 0 | 1 {
    return (((this.bytes[idx >> 3] ?? 0) >> (idx & 7)) & 1) as 0 | 1;
  }
}
