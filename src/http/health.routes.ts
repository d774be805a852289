import { Router } from 'express';
import type { DatabaseHandle } from '../db/database';
import type { RevocationCheck } from '../revocation/revocation.check';
import { withTimeout } from '../timeout';

const READINESS_TIMEOUT_MS = 2000;

/** `/healthz`: the process answers. `/readyz`: the revocation state is in sync and the database answers. */
export function healthRoutes(revocationCheck: RevocationCheck, database: DatabaseHandle): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (!revocationCheck.status().synced) {
      res.status(503).json({ status: 'unavailable', reason: 'revocation mirror not in sync' });
      return;
    }
    try {
      await withTimeout(database.ping(), READINESS_TIMEOUT_MS, 'readiness ping');
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
  return router;
}
