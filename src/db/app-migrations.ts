import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { MigrationSet } from './database';
import { OWN_MIGRATIONS } from './migrate';

/** An app's own Drizzle migrations (`drizzle-kit generate` output), for its tables beside ours. */
export interface AppMigrations {
  /** The folder holding `meta/_journal.json` and the SQL files; relative paths are from the working directory. */
  folder: string;
  /**
   * The table, in the `drizzle` schema, recording which of them ran. Never Drizzle's default,
   * which records Token Warden's own: the two sets would skip each other's migrations.
   * @default '__app_migrations'
   */
  table?: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function appMigrationSet({ folder, table = '__app_migrations' }: AppMigrations): MigrationSet {
  const absolute = resolve(folder);
  if (!existsSync(join(absolute, 'meta', '_journal.json'))) {
    throw new TypeError(
      `migrations.folder ${absolute} has no meta/_journal.json: point it at the output of drizzle-kit generate`,
    );
  }
  if (!IDENTIFIER.test(table)) throw new TypeError(`migrations.table "${table}" is not a plain SQL identifier`);
  if (table === OWN_MIGRATIONS.table) {
    throw new TypeError(`migrations.table cannot be "${table}": Token Warden's own migrations are recorded there`);
  }
  return { folder: absolute, table };
}
