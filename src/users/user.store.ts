import { and, asc, count, eq, gt, ilike, ne, type SQL } from 'drizzle-orm';
import { Role } from '../auth/role';
import type { Database } from '../db/database';
import { users, type UserRow } from '../db/schema';

export async function findUserById(db: Database, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

/**
 * The user row, share-locked until the transaction ends: a session started under this lock and
 * "revoke every token of the user" (which updates the row) happen one after the other, never
 * interleaved, so the new session is either ended by the revocation or begins after it.
 */
export async function lockUserForSession(db: Database, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).for('share');
  return row;
}

/**
 * The lock an update of the row takes: `no key update` leaves the key share that inserting a
 * session or an access token takes free, so a refresh in flight is never deadlocked against it.
 */
export async function lockUserForUpdate(db: Database, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).for('no key update');
  return row;
}

export async function findUserByEmail(db: Database, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email));
  return row;
}

export async function insertUser(
  db: Database,
  values: { email: string; passwordHash: string; role: Role; createdAt: Date; emailVerified: boolean },
): Promise<UserRow> {
  const [row] = await db.insert(users).values(values).returning();
  if (!row) throw new Error('insert into users returned no row');
  return row;
}

export async function updateUserFields(
  db: Database,
  id: string,
  changes: { role?: Role; disabled?: boolean },
): Promise<UserRow | undefined> {
  const [row] = await db.update(users).set(changes).where(eq(users.id, id)).returning();
  return row;
}

export async function countEnabledAdminsExcept(db: Database, id: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, Role.ADMIN), eq(users.disabled, false), ne(users.id, id)));
  return row?.n ?? 0;
}

/** Swaps the password hash if it is still `previousHash`; false when it changed meanwhile. */
export async function replacePasswordHash(
  db: Database,
  id: string,
  previousHash: string,
  passwordHash: string,
): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ passwordHash })
    .where(and(eq(users.id, id), eq(users.passwordHash, previousHash)))
    .returning({ id: users.id });
  return rows.length > 0;
}

/** `%`, `_` and the escape character itself match literally in the part searched for. */
const likePattern = (part: string): string => `%${part.replace(/[\\%_]/g, '\\$&')}%`;

/** Served by the trigram index on email, so that it does not scan the table. */
const emailContains = (part: string | undefined): SQL | undefined =>
  part === undefined ? undefined : ilike(users.email, likePattern(part));

/** Users by email, keyset-paginated on the email (unique); `search` is part of the email. */
export async function listUsers(
  db: Database,
  search: string | undefined,
  page: { limit: number; afterEmail?: string },
): Promise<UserRow[]> {
  return db
    .select()
    .from(users)
    .where(and(emailContains(search), page.afterEmail === undefined ? undefined : gt(users.email, page.afterEmail)))
    .orderBy(asc(users.email))
    .limit(page.limit);
}

export async function countUsers(db: Database, search: string | undefined): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users).where(emailContains(search));
  return row?.n ?? 0;
}

export async function markEmailVerified(db: Database, id: string): Promise<void> {
  await db.update(users).set({ emailVerified: true }).where(eq(users.id, id));
}

/** The new address, proven by the link that applies the change. */
export async function replaceEmail(db: Database, id: string, email: string): Promise<void> {
  await db.update(users).set({ email, emailVerified: true }).where(eq(users.id, id));
}
