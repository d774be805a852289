import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { Database } from '../db/database';
import { accountTokens, type AccountTokenRow } from '../db/schema';

export type AccountTokenPurpose = AccountTokenRow['purpose'];

/** The token with this hash, for `purpose`, unspent and unexpired at `now`. */
const live = (tokenHash: string, purpose: AccountTokenPurpose, now: Date) =>
  and(
    eq(accountTokens.tokenHash, tokenHash),
    eq(accountTokens.purpose, purpose),
    isNull(accountTokens.spentAt),
    gt(accountTokens.expiresAt, now),
  );

export async function insertAccountToken(
  tx: Database,
  token: Pick<AccountTokenRow, 'userId' | 'purpose' | 'tokenHash' | 'email' | 'createdAt' | 'expiresAt'> & {
    sessionId?: string | null;
  },
): Promise<void> {
  await tx.insert(accountTokens).values(token);
}

/** The token with this hash if it is for `purpose`, unspent and unexpired at `now`. */
export async function findLiveAccountToken(
  db: Database,
  tokenHash: string,
  purpose: AccountTokenPurpose,
  now: Date,
): Promise<AccountTokenRow | undefined> {
  const [row] = await db
    .select()
    .from(accountTokens)
    .where(live(tokenHash, purpose, now));
  return row;
}

/**
 * Spends the token if it is still live. The update locks the row, and a second spender re-reads
 * it after the first commits: of two racing, exactly one gets the row back.
 */
export async function spendAccountToken(
  tx: Database,
  tokenHash: string,
  purpose: AccountTokenPurpose,
  now: Date,
): Promise<AccountTokenRow | undefined> {
  const [row] = await tx
    .update(accountTokens)
    .set({ spentAt: now })
    .where(live(tokenHash, purpose, now))
    .returning();
  return row;
}

/** Spends every outstanding token of the user for `purpose`; returns how many. */
export async function spendOutstandingAccountTokens(
  tx: Database,
  userId: string,
  purpose: AccountTokenPurpose,
  now: Date,
): Promise<number> {
  const spent = await tx
    .update(accountTokens)
    .set({ spentAt: now })
    .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose), isNull(accountTokens.spentAt)))
    .returning({ id: accountTokens.id });
  return spent.length;
}

/** Deletes tokens that can no longer be used: expired, or spent before `before`. */
export async function deleteDeadAccountTokens(db: Database, now: Date, before: Date): Promise<number> {
  const deleted = await db
    .delete(accountTokens)
    .where(or(lt(accountTokens.expiresAt, now), lt(accountTokens.spentAt, before)))
    .returning({ id: accountTokens.id });
  return deleted.length;
}
