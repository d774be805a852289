import { sql } from 'drizzle-orm';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/db/client';
import { MIGRATIONS_FOLDER, OWN_MIGRATIONS } from '../src/db/migrate';
import { users } from '../src/db/schema';

interface Journal {
  entries: Array<{ idx: number; tag: string }>;
}

/** The migrations as they were before verified email: the folder, with the journal cut before 0010. */
function migrationsBefore(tag: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'token-warden-migrations-'));
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as Journal;
  const cut = journal.entries.findIndex((entry) => entry.tag === tag);
  expect(cut).toBeGreaterThan(0);
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));
  return folder;
}

describe('migration 0010_email_verification', () => {
  it('counts accounts that existed before it as verified, and new ones as unverified', async () => {
    const folder = migrationsBefore('0010_email_verification');
    const handle = await openDatabase({ kind: 'pglite' });
    try {
      await handle.migrate({ ...OWN_MIGRATIONS, folder });
      await handle.db.execute(
        sql`insert into users (email, password_hash, created_at) values ('before@example.com', 'x', now())`,
      );
      await handle.migrate(OWN_MIGRATIONS);
      await handle.db.execute(
        sql`insert into users (email, password_hash, created_at) values ('after@example.com', 'x', now())`,
      );
      const rows = await handle.db
        .select({ email: users.email, emailVerified: users.emailVerified })
        .from(users)
        .orderBy(users.email);
      expect(rows).toEqual([
        { email: 'after@example.com', emailVerified: false },
        { email: 'before@example.com', emailVerified: true },
      ]);
    } finally {
      await handle.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
