import { desc } from 'drizzle-orm';
import { decodeJwtPart } from './forge';
import { signingKeys } from '../../src/db/schema';
import { deriveKeyEncryptionKey, unsealSecret } from '../../src/keys/key-sealing';
import type { TestServer } from './test-server';

/** The newest HMAC key as stored, opened with the server's JWT_SECRET: lets a test sign as we do. */
export async function newestHmacKey(server: TestServer): Promise<{ kid: string; secret: Buffer }> {
  const rows = await server.database.db.select().from(signingKeys).orderBy(desc(signingKeys.createdAt));
  const row = rows.find((key) => key.algorithm === 'HS256');
  if (!row) throw new Error('no HS256 signing key stored');
  return {
    kid: row.kid,
    secret: unsealSecret(deriveKeyEncryptionKey(server.config.jwt.secret), row.kid, row.sealedSecret),
  };
}

/** The kid in a token's header. */
export const kidOf = (token: string): string => String(decodeJwtPart(token, 0).kid);
