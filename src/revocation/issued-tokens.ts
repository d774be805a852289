import { and, eq, gt, inArray } from 'drizzle-orm';
import type { Database } from '../db/database';
import { accessTokens, type AccessTokenRow } from '../db/schema';

/**
 * The register of access tokens issued, one row each until it expires, written as each token is
 * signed: kept so that ending a session, or revoking a user's tokens, can name the tokens it refuses.
 */

export async function recordIssuedToken(db: Database, values: AccessTokenRow): Promise<void> {
  await db.insert(accessTokens).values(values);
}

export async function findIssuedToken(db: Database, jti: string): Promise<AccessTokenRow | undefined> {
  const [row] = await db.select().from(accessTokens).where(eq(accessTokens.jti, jti));
  return row;
}

/** Access tokens of these sessions issued after `after` and still alive at `now`. */
export async function accessTokensIssuedAfter(
  db: Database,
  sessionIds: string[],
  after: Date,
  now: Date,
): Promise<AccessTokenRow[]> {
  if (sessionIds.length === 0) return [];
  return db
    .select()
    .from(accessTokens)
    .where(
      and(
        inArray(accessTokens.sessionId, sessionIds),
        gt(accessTokens.issuedAt, after),
        gt(accessTokens.expiresAt, now),
      ),
    );
}
