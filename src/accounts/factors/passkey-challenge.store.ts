import { and, eq, lt } from 'drizzle-orm';
import type { Database } from '../../db/database';
import { webauthnChallenges, type WebauthnChallengeRow } from '../../db/schema';

export function insertChallenge(db: Database, row: WebauthnChallengeRow): Promise<unknown> {
  return db.insert(webauthnChallenges).values(row);
}

/**
 * Deletes the challenge and returns it, in one statement: of two finishes with one challenge,
 * exactly one gets it, on whichever instance they land. An expired row is returned too; the
 * caller refuses it.
 */
export async function consumeChallenge(
  db: Database,
  challenge: string,
  ceremony: WebauthnChallengeRow['ceremony'],
): Promise<WebauthnChallengeRow | undefined> {
  const [row] = await db
    .delete(webauthnChallenges)
    .where(and(eq(webauthnChallenges.challenge, challenge), eq(webauthnChallenges.ceremony, ceremony)))
    .returning();
  return row;
}

export async function deleteExpiredChallenges(db: Database, now: Date): Promise<number> {
  const rows = await db
    .delete(webauthnChallenges)
    .where(lt(webauthnChallenges.expiresAt, now))
    .returning({ challenge: webauthnChallenges.challenge });
  return rows.length;
}
