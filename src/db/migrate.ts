import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePgliteDb } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgresDb } from 'drizzle-orm/postgres-js/migrator';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import postgres from 'postgres';
import type { MigrationSet } from './database';

/** The package root: the nearest folder above this file with a package.json (src/, dist/ and the bench's build differ in depth). */
function packageRoot(from: string): string {
  for (let folder = from; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (dirname(folder) === folder) throw new Error(`no package.json above ${from}`);
  }
}

/** The generated SQL migrations, committed at the package root and shipped inside the package. */
export const MIGRATIONS_FOLDER = join(packageRoot(__dirname), 'drizzle');

/** Drizzle's default journal table; an app's migrations need a journal of their own. */
export const OWN_MIGRATIONS: MigrationSet = { folder: MIGRATIONS_FOLDER, table: '__drizzle_migrations' };

/** Any fixed number works; it only has to be the same for every instance of this service. */
const MIGRATION_LOCK_ID = 0x746f6b77;

export async function migratePglite(client: PGlite, set: MigrationSet): Promise<void> {
  await migratePgliteDb(drizzlePglite(client), { migrationsFolder: set.folder, migrationsTable: set.table });
}

export async function migratePostgres(url: string, set: MigrationSet): Promise<void> {
  // Several instances may start at once: a session-level advisory lock on one dedicated
  // connection makes them apply the migrations one after the other instead of racing.
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    await migratePostgresDb(drizzlePostgres(sql), { migrationsFolder: set.folder, migrationsTable: set.table });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
