import express from 'express';
import { createVerifier } from '@token-warden/verifier';
import { ordersRouter } from './orders';
import { readSettings } from './settings';

async function main(): Promise<void> {
  const settings = readSettings(process.env);
  // Resolves once the signing keys and the whole revocation state are held.
  const verifier = await createVerifier({
    issuer: settings.issuer,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    maxStalenessSeconds: settings.maxStalenessSeconds,
    logger: {
      info: (message, details) => console.log(JSON.stringify({ level: 'info', message, ...details })),
      warn: (message, details) => console.warn(JSON.stringify({ level: 'warn', message, ...details })),
      error: (message, details) => console.error(JSON.stringify({ level: 'error', message, ...details })),
    },
  });

  const app = express();
  app.disable('x-powered-by');
  // Public: what a load balancer or a metrics scraper reads. 503 while tokens cannot be answered.
  app.get('/healthz', (_req, res) => {
    const status = verifier.status();
    res.status(status.current ? 200 : 503).json(status);
  });
  app.use(verifier.express());
  app.use(ordersRouter());

  const server = app.listen(settings.port, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : settings.port;
    console.log(`resource-api listening on http://127.0.0.1:${port}`);
  });
  const stop = () => {
    server.close();
    void verifier.close();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
