import { spawn } from 'node:child_process';
import { join } from 'node:path';

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
