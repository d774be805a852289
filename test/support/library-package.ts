import { execFile } from 'node:child_process';
import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** What `npm pack` sees in a clean clone: the sources and the build setup, not dist/ or the tests. */
const PACKAGE_SOURCES = [
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'README.md',
  'schema.graphql',
  'src',
  'drizzle',
  'patches',
];

export interface Timed<T> {
  value: T;
  ms: number;
}

export async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const started = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - started) };
}

/** npm with the parent run's npm_* settings removed, so that `npm test` does not leak into it. */
export function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
}

/**
 * `npm pack`, prepack build included, run on a copy of the package sources, so that building does
 * not rewrite the dist/ other test files are running from. Resolves with the tarball's path.
 */
export function packLibrary(work: string): Promise<Timed<string>> {
  return timed(async () => {
    const copy = join(work, 'library');
    for (const entry of PACKAGE_SOURCES) cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const { stdout } = await run(NPM, ['pack', '--json', '--pack-destination', work], {
      cwd: copy,
      env: npmEnv(),
      maxBuffer: 16 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>;
    if (!packed) throw new Error(`npm pack reported nothing: ${stdout}`);
    return join(work, packed.filename);
  });
}

/** examples/notes-api copied into `work/notes-api`, its token-warden dependency pointed at `tarball`, installed. */
export function installExample(
  work: string,
  tarball: string,
  extraFiles: Record<string, string> = {},
): Promise<Timed<string>> {
  return installExampleApp(work, { example: 'notes-api', dependency: 'token-warden', tarball, extraFiles });
}

/** An app of examples/ copied into `work/<example>`, one dependency pointed at a packed tarball, installed. */
export function installExampleApp(
  work: string,
  app: { example: string; dependency: string; tarball: string; extraFiles?: Record<string, string> },
): Promise<Timed<string>> {
  return timed(async () => {
    const folder = join(work, app.example);
    cpSync(join(ROOT, 'examples', app.example), folder, {
      recursive: true,
      filter: (source) => !/[/\\](node_modules|dist|package-lock\.json)$/.test(source),
    });
    const manifestPath = join(folder, 'package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { dependencies: Record<string, string> };
    manifest.dependencies[app.dependency] = `file:${app.tarball}`;
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
    for (const [path, text] of Object.entries(app.extraFiles ?? {})) writeFileSync(join(folder, path), text);
    await run(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock'], {
      cwd: folder,
      env: npmEnv(),
      maxBuffer: 16 * 1024 * 1024,
    });
    return folder;
  });
}

/** Packages whose own declarations fail with skipLibCheck off, whoever uses them: not ours to fix. */
const UPSTREAM_DECLARATION_DEFECTS = ['node_modules/drizzle-orm/', 'node_modules/type-graphql/'];

/**
 * Compiles the app with skipLibCheck off (emitting dist/ all the same). Resolves with every
 * diagnostic except those inside the packages above: the app's and token-warden's must be none.
 */
export async function compileStrictly(app: string): Promise<Timed<string[]>> {
  return timed(async () => {
    const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
    const output = await run(
      process.execPath,
      [tsc, '-p', 'tsconfig.json', '--skipLibCheck', 'false', '--pretty', 'false'],
      {
        cwd: app,
        maxBuffer: 64 * 1024 * 1024,
      },
    ).then(
      ({ stdout }) => stdout,
      (error: unknown) => (error as { stdout?: string }).stdout ?? '',
    );
    return output
      .split('\n')
      .filter((line) => /^\S.*\(\d+,\d+\): error TS\d+/.test(line))
      .filter((line) => !UPSTREAM_DECLARATION_DEFECTS.some((folder) => line.startsWith(folder)));
  });
}

/** Runs a compiled script of the app to its end; resolves with its exit code and output. */
export async function runScript(
  app: string,
  script: string,
  env: Record<string, string>,
): Promise<{ code: number; output: string }> {
  return run(process.execPath, [script], { cwd: app, env: { PATH: process.env.PATH ?? '', ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: unknown) => {
      const failed = error as { code?: unknown; stdout?: string; stderr?: string };
      return {
        code: typeof failed.code === 'number' ? failed.code : -1,
        output: (failed.stdout ?? '') + (failed.stderr ?? ''),
      };
    },
  );
}
