import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const SERVE_SCRIPT = join(__dirname, 'serve-web-app.mjs');

export interface WebApp {
  /** `http://127.0.0.1:<port>`, the origin to list in CORS_ORIGINS. */
  origin: string;
  buildMs: number;
  previewMs: number;
  close(): Promise<void>;
}

/** examples/web built against `apiUrl` and served by Vite's preview server on `port`, in a child process. */
export async function buildAndServeWebApp(apiUrl: string, port: number): Promise<WebApp> {
  const child = spawn(process.execPath, [SERVE_SCRIPT, apiUrl, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  const firstLine = await Promise.race([
    once(lines, 'line').then(([line]) => line as string),
    exited.then(([code]) => {
      throw new Error(`serve-web-app.mjs exited (${String(code)}) before serving`);
    }),
  ]);
  const ready = JSON.parse(firstLine) as { origin: string; buildMs: number; previewMs: number };
  return {
    ...ready,
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
