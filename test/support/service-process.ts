import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

export interface ServiceProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the base URL once the service says it is listening. */
  ready: Promise<string>;
  exited: Promise<number | null>;
}

/** Runs the compiled service as a user would, with exactly the given environment. */
export function runService(env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'pipe' });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // The same in JSON and in pretty output: the message and, before or after it, the url field.
      if (!output.includes('token-warden listening')) return;
      const match = /(http:\/\/[^/\s"]+)\/graphql/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`service exited with ${code}: ${output}`)));
  });
  ready.catch(() => undefined);
  return { child, output: () => output, ready, exited };
}
