import { and, desc, eq, gt, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { signingKeys, type SigningKeyRow } from '../db/schema';

/**
 * Serialises rotations, revocations and the first key's creation across instances: two
 * instances starting at once must not both create an ACTIVE key. Reads are not blocked.
 */
export async function lockSigningKeys(tx: Database): Promise<void> {
  await tx.execute(sql`lock table ${signingKeys} in share row exclusive mode`);
}

export function listAllSigningKeys(db: Database): Promise<SigningKeyRow[]> {
  return db.select().from(signingKeys).orderBy(desc(signingKeys.createdAt), desc(signingKeys.kid));
}

/** Keys that sign or verify at or after `since`, and every revoked key. */
export function listLiveSigningKeys(db: Database, since: Date): Promise<SigningKeyRow[]> {
  return db
    .select()
    .from(signingKeys)
    .where(or(isNotNull(signingKeys.revokedAt), isNull(signingKeys.retiredAt), gt(signingKeys.retiredAt, since)));
}

export async function findSigningKey(db: Database, kid: string): Promise<SigningKeyRow | undefined> {
  const [row] = await db.select().from(signingKeys).where(eq(signingKeys.kid, kid));
  return row;
}

export async function insertSigningKey(db: Database, row: SigningKeyRow): Promise<SigningKeyRow> {
  const [inserted] = await db.insert(signingKeys).values(row).returning();
  if (!inserted) throw new Error('signing key was not inserted');
  return inserted;
}

/** Keys that would still sign after `at` stop signing then; returns their kids. */
export async function retireSignersAt(db: Database, at: Date): Promise<string[]> {
  const rows = await db
    .update(signingKeys)
    .set({ retiredAt: at })
    .where(and(isNull(signingKeys.revokedAt), or(isNull(signingKeys.retiredAt), gt(signingKeys.retiredAt, at))))
    .returning({ kid: signingKeys.kid });
  return rows.map((row) => row.kid);
}

export async function markSigningKeyRevoked(
  db: Database,
  kid: string,
  at: Date,
  reason: string,
): Promise<SigningKeyRow | undefined> {
  const [row] = await db
    .update(signingKeys)
    .set({ revokedAt: at, revokedReason: reason })
    .where(and(eq(signingKeys.kid, kid), isNull(signingKeys.revokedAt)))
    .returning();
  return row;
}
