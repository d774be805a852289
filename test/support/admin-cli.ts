import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './test-database';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from './test-server';

/** The built `token-warden-admin` (globalSetup compiles dist/ once per run). */
const ADMIN_CLI = join(__dirname, '..', '..', 'dist', 'cli', 'admin.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `token-warden-admin args` with exactly `env`, feeding it `stdin`. */
export function runAdminCli(args: string[], env: Record<string, string>, stdin = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ADMIN_CLI, ...args], { env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

export interface CliData {
  readonly dataDir: string;
  readonly testDatabase: TestDatabase;
  /** What the CLI runs with: the test database, and nothing else of this process's environment but PATH. */
  readonly env: Record<string, string>;
  /** Runs the CLI on this data; `options.env` replaces the environment. */
  run(args: string[], options?: { stdin?: string; env?: Record<string, string> }): Promise<CliResult>;
  /** True on the embedded database, which a running service holds for itself. */
  embedded(): boolean;
  /** A service on the same data as the CLI. */
  startServer(): Promise<TestServer>;
}

/** For a test file that runs the CLI: a data directory and database made before all tests, removed after. */
export function useCliData(prefix: string): CliData {
  let made: { dataDir: string; testDatabase: TestDatabase; env: Record<string, string> } | undefined;
  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), `token-warden-${prefix}-`));
    const testDatabase = await createTestDatabase({ pgliteDir: join(dataDir, 'pglite') });
    const env = {
      PATH: process.env.PATH ?? '',
      DATA_DIR: dataDir,
      JWT_SECRET: TEST_JWT_SECRET,
      ...(testDatabase.target.kind === 'postgres' ? { DATABASE_URL: testDatabase.target.url } : {}),
    };
    made = { dataDir, testDatabase, env };
  });
  afterAll(async () => {
    await made?.testDatabase.drop();
    if (made) rmSync(made.dataDir, { recursive: true, force: true });
  });
  const data = () => {
    if (!made) throw new Error('the CLI data is only there while the tests run');
    return made;
  };
  return {
    get dataDir() {
      return data().dataDir;
    },
    get testDatabase() {
      return data().testDatabase;
    },
    get env() {
      return data().env;
    },
    run: (args, options = {}) => runAdminCli(args, options.env ?? data().env, options.stdin),
    embedded: () => data().testDatabase.target.kind === 'pglite',
    startServer: () => startTestServer({ testDatabase: data().testDatabase, dataDir: data().dataDir }),
  };
}
