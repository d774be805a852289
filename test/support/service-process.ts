import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postGraphQL } from './graphql-client';
import { LOGIN, type AuthPayloadData } from './operations';
import { createTestDatabase, writeEmbeddedDatabase, type TestDatabase } from './test-database';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './test-server';

export const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/** A compiled program run as a process of its own, until it says where it listens. */
export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the base URL once the process says it is listening; rejects if it exits first. */
  ready: Promise<string>;
  exited: Promise<number | null>;
}

export type ServiceProcess = RunningProcess;

/** Runs `main` with exactly `env`; `listening` finds the base URL in what it printed so far. */
export function runProcess(
  main: string,
  env: Record<string, string>,
  listening: (output: string) => string | undefined,
  cwd?: string,
): RunningProcess {
  const child = spawn(process.execPath, [main], { cwd, env, stdio: 'pipe' });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = listening(output);
      if (url !== undefined) resolve(url);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`${main} exited with ${code}: ${output}`)));
  });
  ready.catch(() => undefined);
  return { child, output: () => output, ready, exited };
}

/** Runs the compiled service (or an app built on it, `main` in `cwd`) as a user would, with exactly the given environment. */
export function runService(env: Record<string, string>, options: { main?: string; cwd?: string } = {}): ServiceProcess {
  return runProcess(
    options.main ?? MAIN,
    { PATH: process.env.PATH ?? '', ...env },
    // The same in JSON and in pretty output: the message and, before or after it, the url field.
    (output) =>
      output.includes('token-warden listening') ? /(http:\/\/[^/\s"]+)\/graphql/.exec(output)?.[1] : undefined,
    options.cwd,
  );
}

/** The environment that makes a service process bootstrap the test administrator. */
export const ADMIN_ENV = { ADMIN_EMAIL, ADMIN_PASSWORD };

/** Signs in as the bootstrapped administrator of a service process; returns the access token. */
export async function adminTokenOf(baseUrl: string): Promise<string> {
  const login = await postGraphQL<{ login: AuthPayloadData }>(`${baseUrl}/graphql`, LOGIN, {
    email: ADMIN_EMAIL,
    password: ADMIN_PASSWORD,
  });
  if (!login.data) throw new Error(`admin login failed: ${JSON.stringify(login.errors)}`);
  return login.data.login.accessToken;
}

/**
 * For a test file that starts service processes on data that outlives them: a data directory and a
 * database of its own (PostgreSQL under `npm run test:pg`), made before all tests, removed after.
 * The embedded database is there already, migrated: a first start on nothing is
 * service-process.test.ts's. Returns the environment such a process runs with, administrator included.
 */
export function useServiceData(prefix: string): () => Record<string, string> {
  let dataDir: string | undefined;
  let testDatabase: TestDatabase | undefined;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), `token-warden-${prefix}-`));
    testDatabase = await createTestDatabase();
    await writeEmbeddedDatabase(dataDir);
  });
  afterAll(async () => {
    await testDatabase?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return () => {
    if (!dataDir || !testDatabase) throw new Error('the service data is only there while the tests run');
    return {
      ...(testDatabase.target.kind === 'postgres' ? { DATABASE_URL: testDatabase.target.url } : {}),
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_FORMAT: 'json',
      ...ADMIN_ENV,
    };
  };
}
