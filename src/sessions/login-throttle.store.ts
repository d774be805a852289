import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../db/database';
import { loginFailures, type LoginFailureRow } from '../db/schema';

export type ThrottleScope = LoginFailureRow['scope'];

export interface ThrottleKey {
  scope: ThrottleScope;
  subject: string;
}

const matches = (key: ThrottleKey) => and(eq(loginFailures.scope, key.scope), eq(loginFailures.subject, key.subject));

/** The keys' rows, created empty when missing, locked until the transaction ends: attempts on one key take turns. */
export async function lockFailureRows(tx: Database, keys: ThrottleKey[], now: Date): Promise<LoginFailureRow[]> {
  await tx
    .insert(loginFailures)
    .values(keys.map((key) => ({ ...key, failures: 0, windowStartedAt: now, lastFailureAt: now })))
    .onConflictDoNothing();
  return tx
    .select()
    .from(loginFailures)
    .where(or(...keys.map(matches)))
    .for('update');
}

export async function saveFailures(
  tx: Database,
  key: ThrottleKey,
  values: Pick<LoginFailureRow, 'failures' | 'windowStartedAt' | 'lastFailureAt'>,
): Promise<void> {
  await tx.update(loginFailures).set(values).where(matches(key));
}

/** Gives back the attempt counted for a sign-in that turned out right. */
export async function forgiveAttempt(db: Database, key: ThrottleKey): Promise<void> {
  await db
    .update(loginFailures)
    .set({ failures: sql`greatest(${loginFailures.failures} - 1, 0)` })
    .where(matches(key));
}

export async function clearFailures(db: Database, key: ThrottleKey): Promise<void> {
  await db.delete(loginFailures).where(matches(key));
}

export async function deleteFailuresBefore(db: Database, scopes: ThrottleScope[], before: Date): Promise<number> {
  const deleted = await db
    .delete(loginFailures)
    .where(and(inArray(loginFailures.scope, scopes), lt(loginFailures.lastFailureAt, before)))
    .returning({ scope: loginFailures.scope });
  return deleted.length;
}
