import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compileStrictly, installExampleApp, npmEnv, timed, type Timed } from './library-package';
import { runProcess, type RunningProcess } from './service-process';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export interface PackedVerifier {
  tarball: string;
  /** The paths inside the tarball. */
  files: string[];
}

/**
 * `npm pack` of packages/verifier, prepack build included, on a copy laid out as the repository is
 * (the package compiles the service's revocation rule from ../../src), so that building does not
 * touch the dist/ other tests run from.
 */
export function packVerifier(work: string): Promise<Timed<PackedVerifier>> {
  return timed(async () => {
    const copy = join(work, 'repository');
    for (const entry of ['package.json', 'tsconfig.build.json', 'src']) {
      cpSync(join(ROOT, 'packages', 'verifier', entry), join(copy, 'packages', 'verifier', entry), { recursive: true });
    }
    mkdirSync(join(copy, 'src', 'revocation'), { recursive: true });
    cpSync(
      join(ROOT, 'src', 'revocation', 'revocation.rule.ts'),
      join(copy, 'src', 'revocation', 'revocation.rule.ts'),
    );
    cpSync(join(ROOT, 'packages', 'verifier', 'README.md'), join(copy, 'packages', 'verifier', 'README.md'));
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const { stdout } = await run(NPM, ['pack', '--json', '--pack-destination', work], {
      cwd: join(copy, 'packages', 'verifier'),
      env: npmEnv(),
      maxBuffer: 16 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    if (!packed) throw new Error(`npm pack reported nothing: ${stdout}`);
    return { tarball: join(work, packed.filename), files: packed.files.map(({ path }) => path) };
  });
}

/** examples/resource-api copied into `work/resource-api`, its verifier dependency pointed at `tarball`, installed. */
export function installResourceApi(work: string, tarball: string): Promise<Timed<string>> {
  return installExampleApp(work, { example: 'resource-api', dependency: '@token-warden/verifier', tarball });
}

export { compileStrictly };

export type ResourceApiProcess = RunningProcess;

export interface ResourceApiSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  maxStalenessSeconds?: number;
}

/** Runs a compiled resource API (examples/resource-api's dist/main.js) as a process of its own. */
export function runResourceApi(main: string, settings: ResourceApiSettings): ResourceApiProcess {
  return runProcess(
    main,
    {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      TOKEN_WARDEN_URL: settings.issuer,
      TOKEN_WARDEN_CLIENT_ID: settings.clientId,
      TOKEN_WARDEN_CLIENT_SECRET: settings.clientSecret,
      MAX_STALENESS_SECONDS: String(settings.maxStalenessSeconds ?? 5),
    },
    (output) => /resource-api listening on (http:\/\/\S+)/.exec(output)?.[1],
  );
}

export async function stopResourceApi(api: ResourceApiProcess): Promise<void> {
  if (api.child.exitCode !== null) return;
  api.child.kill('SIGTERM');
  await api.exited;
}

/** GET with an optional bearer token; the status, the JSON body and the headers. */
export async function callApi(
  url: string,
  token?: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(url, {
    ...init,
    headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...init.headers },
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, body, headers: response.headers };
}
