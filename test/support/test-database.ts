import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, targetFor, type DatabaseTarget } from '../../src/db/client';
import { migratedPgliteTemplate } from './pglite-template';

/** A database of its own for one test file, removed by `drop`. */
export interface TestDatabase {
  target: DatabaseTarget;
  drop(): Promise<void>;
}

/**
 * Embedded PGlite (in memory, or files under `pgliteDir` for restart tests) unless
 * TEST_DATABASE_URL names a PostgreSQL server; there a uniquely named database is created.
 * PGlite starts as a copy of one migrated template.
 */
export async function createTestDatabase(options: { pgliteDir?: string } = {}): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const target: DatabaseTarget = { kind: 'pglite', dataDir: options.pgliteDir, dump: await migratedPgliteTemplate() };
    return { target, drop: () => Promise.resolve() };
  }
  return createPostgresDatabase(serverUrl, 'token_warden_test');
}

/** A new, uniquely named database on the PostgreSQL server `serverUrl` points at. */
export async function createPostgresDatabase(serverUrl: string, prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    target: { kind: 'postgres', url: url.toString() },
    drop: async () => {
      const dropper = postgres(serverUrl, { max: 1, onnotice: () => undefined });
      try {
        await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/**
 * The migrated template written out as the embedded database that a service process, or
 * `createTokenWarden`, finds under `dataDir`. Nothing to do under TEST_DATABASE_URL.
 */
export async function writeEmbeddedDatabase(dataDir: string): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  const target = targetFor(undefined, dataDir);
  if (target.kind !== 'pglite') return;
  await (await openDatabase({ ...target, dump: await migratedPgliteTemplate() })).close();
}
