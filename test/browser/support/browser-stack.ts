import type { Browser } from 'playwright-core';
import { freePort } from '../../support/free-port';
import { startTestServer, type TestServer } from '../../support/test-server';
import { launchChromium } from './chromium';
import type { StepTimings } from './step-timings';
import { buildAndServeWebApp, type WebApp } from './web-app';

export interface BrowserStack {
  server: TestServer;
  app: WebApp;
  browser: Browser;
  /** Closes what started, in reverse order. */
  close(): Promise<void>;
}

/**
 * The API on a fresh database, examples/web built against it on an origin the API lists in
 * CORS_ORIGINS, and Chromium, each start timed. `env` is given the app's origin, which is known
 * before the API starts (APP_URL, for links in mails). A failed start closes what had started.
 */
export async function startBrowserStack(
  timings: StepTimings,
  env: (appOrigin: string) => Record<string, string> = () => ({}),
): Promise<BrowserStack> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const appPort = await freePort();
    const appOrigin = `http://127.0.0.1:${appPort}`;
    const server = await timings.measure('start the API (PGlite, migrations)', () =>
      startTestServer({ env: { CORS_ORIGINS: appOrigin, LOG_LEVEL: 'warn', ...env(appOrigin) } }),
    );
    closers.push(() => server.stop());
    const app = await timings.measure('build examples/web and serve it (vite build + preview)', () =>
      buildAndServeWebApp(server.url, appPort),
    );
    closers.push(() => app.close());
    console.log(`vite build ${app.buildMs.toFixed(0)} ms, vite preview ${app.previewMs.toFixed(0)} ms`);
    const browser = await timings.measure('launch Chromium', launchChromium);
    closers.push(() => browser.close());
    return { server, app, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}
