import { defineConfig } from 'vite';

/**
 * The example app; run from the repository root with `vite examples/web` (the root). The API's
 * address comes from VITE_TOKEN_WARDEN_URL (default http://127.0.0.1:4000/graphql).
 */
export default defineConfig({
  // Both servers answer index.html for any path: the mails link to /reset-password and /verify-email.
  appType: 'spa',
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  build: { outDir: '../../dist-web', emptyOutDir: true },
});
