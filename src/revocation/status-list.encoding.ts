import { promisify } from 'node:util';
import { constants, deflate } from 'node:zlib';

const deflateAsync = promisify(deflate);

/**
 * `lst` (draft §4.1): the bytes ZLIB-compressed (RFC 1950) at the highest level, base64url without
 * padding. Compressed on libuv's thread pool, so a large list never holds the event loop.
 */
export async function encodeLst(bytes: Uint8Array): Promise<string> {
  const compressed = await deflateAsync(bytes, { level: constants.Z_BEST_COMPRESSION });
  return compressed.toString('base64url');
}
