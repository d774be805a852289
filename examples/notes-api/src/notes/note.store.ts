import { and, count, desc, eq } from 'drizzle-orm';
import type { Database } from 'token-warden';
import { notes } from './note.table';

export type NoteRow = typeof notes.$inferSelect;

/** Newest first; `ownerId` null lists everyone's. */
export function listNotes(db: Database, ownerId: string | null): Promise<NoteRow[]> {
  const query = db.select().from(notes);
  const filtered = ownerId === null ? query : query.where(eq(notes.ownerId, ownerId));
  return filtered.orderBy(desc(notes.createdAt), desc(notes.id)).limit(500);
}

export async function findNote(db: Database, id: string): Promise<NoteRow | undefined> {
  const [row] = await db.select().from(notes).where(eq(notes.id, id));
  return row;
}

export async function insertNote(db: Database, ownerId: string, title: string, body: string): Promise<NoteRow> {
  const [row] = await db.insert(notes).values({ ownerId, title, body }).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** Deletes the note only if `ownerId` owns it (any owner when null); true when one was deleted. */
export async function deleteNote(db: Database, id: string, ownerId: string | null): Promise<boolean> {
  const condition = ownerId === null ? eq(notes.id, id) : and(eq(notes.id, id), eq(notes.ownerId, ownerId));
  const deleted = await db.delete(notes).where(condition).returning({ id: notes.id });
  return deleted.length > 0;
}

export async function countNotes(db: Database): Promise<number> {
  const [row] = await db.select({ total: count() }).from(notes);
  return row?.total ?? 0;
}
