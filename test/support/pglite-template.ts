import type { PGlite } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { openDatabase } from '../../src/db/client';
import { MIGRATIONS_FOLDER } from '../../src/db/migrate';

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Names the template by what it is made of: the migrations, the PGlite that ran them, and how. */
function templatePath(): string {
  const hash = createHash('sha256');
  const pgliteManifest = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  hash.update(readFileSync(pgliteManifest));
  hash.update(makeTemplate.toString());
  for (const file of filesUnder(MIGRATIONS_FOLDER)) {
    hash.update(relative(MIGRATIONS_FOLDER, file)).update(readFileSync(file));
  }
  return join(tmpdir(), `token-warden-pglite-template-${hash.digest('hex').slice(0, 16)}.tar`);
}

async function makeTemplate(path: string): Promise<void> {
  // Opened and migrated the way every server opens it; drizzle's $client is the PGlite underneath.
  const database = await openDatabase({ kind: 'pglite' });
  try {
    await database.migrate();
    const client = (database.db as unknown as { $client: PGlite }).$client;
    // PGlite clears its 128 MB of shared buffers at every start, a third of opening a copy; the
    // tests' databases hold a few hundred rows.
    await client.exec("alter system set shared_buffers = '16MB'");
    const dump = await client.dumpDataDir('none');
    // Another worker may be writing the same template: each writes its own file, the rename is atomic.
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, path);
  } finally {
    await database.close();
  }
}

let template: Promise<Blob> | undefined;

/**
 * An empty embedded database with every migration applied, as a PGlite dump to open copies of.
 * Made once on this machine for a given set of migrations (initdb and the migrations take seconds
 * on two cores, loading the dump a fraction of that) and kept under the system's temporary folder.
 */
export function migratedPgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const path = templatePath();
    if (!existsSync(path)) await makeTemplate(path);
    return new Blob([readFileSync(path)]);
  })();
  return template;
}
