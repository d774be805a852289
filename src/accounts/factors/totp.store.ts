import { and, eq, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { Database } from '../../db/database';
import { userTotp, type UserTotpRow } from '../../db/schema';

export async function findTotp(db: Database, userId: string): Promise<UserTotpRow | undefined> {
  const [row] = await db.select().from(userTotp).where(eq(userTotp.userId, userId));
  return row;
}

/** Stores a pending secret, replacing a pending one; returns false when TOTP is already on. */
export async function savePendingTotp(db: Database, userId: string, sealedSecret: string, now: Date): Promise<boolean> {
  const saved = await db
    .insert(userTotp)
    .values({ userId, sealedSecret, createdAt: now })
    .onConflictDoUpdate({
      target: userTotp.userId,
      set: { sealedSecret, createdAt: now, lastUsedStep: null },
      setWhere: isNull(userTotp.enabledAt),
    })
    .returning({ userId: userTotp.userId });
  return saved.length > 0;
}

/**
 * Records `step` as used if it is later than the last one used and the row's TOTP is on, or,
 * to confirm an enrolment, turns the pending secret on. One conditional UPDATE: of two requests with the same code, one gets the row.
 */
export async function useTotpStep(
  db: Database,
  userId: string,
  step: number,
  state: { enabled: true } | { enabled: false; enableAt: Date; sealedSecret: string },
): Promise<boolean> {
  const used = await db
    .update(userTotp)
    .set({ lastUsedStep: step, ...(state.enabled ? {} : { enabledAt: state.enableAt }) })
    .where(
      and(
        eq(userTotp.userId, userId),
        // Confirming: only the very secret the code was checked against, not one that replaced it since.
        state.enabled
          ? isNotNull(userTotp.enabledAt)
          : and(isNull(userTotp.enabledAt), eq(userTotp.sealedSecret, state.sealedSecret)),
        or(isNull(userTotp.lastUsedStep), lt(userTotp.lastUsedStep, step)),
      ),
    )
    .returning({ userId: userTotp.userId });
  return used.length > 0;
}

export async function deleteTotp(db: Database, userId: string): Promise<boolean> {
  const deleted = await db.delete(userTotp).where(eq(userTotp.userId, userId)).returning({ userId: userTotp.userId });
  return deleted.length > 0;
}
