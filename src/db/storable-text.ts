// In `u` mode a surrogate range matches only unpaired halves; paired ones form one code point.
const UNPAIRED_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Whether PostgreSQL can keep a string as it is: text columns refuse NUL characters, and an
 * unpaired UTF-16 surrogate would be stored as U+FFFD, so the value read back would differ.
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !UNPAIRED_SURROGATE.test(value);
}
