import { and, asc, count, eq } from 'drizzle-orm';
import type { Database } from '../../db/database';
import { passkeys, type PasskeyRow } from '../../db/schema';

export type NewPasskey = Omit<PasskeyRow, 'id' | 'lastUsedAt'>;

/** Undefined when the credential is registered already, to this account or another. */
export async function insertPasskey(tx: Database, values: NewPasskey): Promise<PasskeyRow | undefined> {
  const [row] = await tx.insert(passkeys).values(values).onConflictDoNothing().returning();
  return row;
}

export function listPasskeys(db: Database, userId: string): Promise<PasskeyRow[]> {
  return db
    .select()
    .from(passkeys)
    .where(eq(passkeys.userId, userId))
    .orderBy(asc(passkeys.createdAt), asc(passkeys.id));
}

export async function findPasskeyByCredentialId(db: Database, credentialId: string): Promise<PasskeyRow | undefined> {
  const [row] = await db.select().from(passkeys).where(eq(passkeys.credentialId, credentialId));
  return row;
}

/** Only the owner's: another user's passkey is as unknown as one that never existed. */
export async function deletePasskey(tx: Database, id: string, userId: string): Promise<PasskeyRow | undefined> {
  const [row] = await tx
    .delete(passkeys)
    .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
    .returning();
  return row;
}

/**
 * Records a use, compared with the counter the assertion was checked against: of two assertions
 * racing with one counter, only one moves it.
 */
export async function recordPasskeyUse(
  tx: Database,
  passkey: PasskeyRow,
  use: { counter: number; backedUp: boolean; at: Date },
): Promise<boolean> {
  const rows = await tx
    .update(passkeys)
    .set({ counter: use.counter, backedUp: use.backedUp, lastUsedAt: use.at })
    .where(and(eq(passkeys.id, passkey.id), eq(passkeys.counter, passkey.counter)))
    .returning({ id: passkeys.id });
  return rows.length === 1;
}

/** How many passkeys the user has: for the factor rules of other flows. */
export async function countPasskeys(db: Database, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(passkeys).where(eq(passkeys.userId, userId));
  return row?.n ?? 0;
}

/** Removes every passkey of the user, in the caller's transaction; returns how many. */
export async function removeAllPasskeys(tx: Database, userId: string): Promise<number> {
  const rows = await tx.delete(passkeys).where(eq(passkeys.userId, userId)).returning({ id: passkeys.id });
  return rows.length;
}
