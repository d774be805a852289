import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePgliteDb } from 'drizzle-orm/pglite/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
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

/**
 * Applies the pending migrations of `set` in one transaction that first takes a transaction-level
 * advisory lock, so that instances starting at once apply them one after the other. A
 * session-level lock would not hold behind a transaction pooler: the pooler hands each
 * transaction any server connection, and the lock would stay behind on one of them after we left.
 * The journal is drizzle's own (`drizzle.<table>`, the newest `created_at` tells what has run).
 */
export async function migratePostgres(url: string, set: MigrationSet): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder: set.folder });
  const sql = postgres(url, { max: 1, prepare: false, onnotice: () => undefined });
  try {
    await sql.begin(async (tx) => {
      const journal = tx`drizzle.${tx(set.table)}`;
      await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`;
      await tx`create schema if not exists drizzle`;
      await tx`create table if not exists ${journal} (id serial primary key, hash text not null, created_at bigint)`;
      const [last] = await tx<
        { created_at: string }[]
      >`select created_at from ${journal} order by created_at desc limit 1`;
      for (const migration of migrations) {
        if (last && Number(last.created_at) >= migration.folderMillis) continue;
        for (const statement of migration.sql) await tx.unsafe(statement);
        await tx`insert into ${journal} (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`;
      }
    });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
