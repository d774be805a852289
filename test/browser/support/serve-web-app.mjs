// Builds examples/web against the API at argv[2] and serves it with Vite's preview server on
// 127.0.0.1:argv[3], until SIGTERM. A process of its own because Vite's bundler (rolldown, a native
// addon) rejects the objects Jest's module sandbox hands it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build, preview } from 'vite';

const [apiUrl, port] = process.argv.slice(2);
if (!apiUrl || !port) throw new Error('usage: serve-web-app.mjs <api url> <port>');

const root = join(import.meta.dirname, '..', '..', '..', 'examples', 'web');
const outDir = mkdtempSync(join(tmpdir(), 'token-warden-web-'));
const shared = { root, configFile: join(root, 'vite.config.mts'), mode: 'production', logLevel: 'warn' };

const started = performance.now();
await build({
  ...shared,
  define: { 'import.meta.env.VITE_TOKEN_WARDEN_URL': JSON.stringify(apiUrl) },
  build: { outDir, emptyOutDir: true },
});
const built = performance.now();
const server = await preview({
  ...shared,
  build: { outDir },
  preview: { host: '127.0.0.1', port: Number(port), strictPort: true },
});
const ready = { origin: `http://127.0.0.1:${port}`, buildMs: built - started, previewMs: performance.now() - built };
process.stdout.write(`${JSON.stringify(ready)}\n`);

process.once('SIGTERM', () => {
  void server.close().finally(() => {
    rmSync(outDir, { recursive: true, force: true });
    process.exit(0);
  });
});
