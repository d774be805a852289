import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDevSecret } from '../src/auth/dev-secret';
import { systemClock } from '../src/clock';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/client';
import { createLogger } from '../src/observability/logger';
import { createServer } from '../src/server';

export interface IntrospectionResult {
  meRequestsPerSecond: number;
  introspectionRequestsPerSecond: number;
  connections: number;
  durationSeconds: number;
}

const CLIENT = 'bench-client';
const SECRET = randomBytes(32).toString('base64url');

async function requestsPerSecond(options: autocannon.Options, expectStatus: number): Promise<number> {
  const result = await autocannon(options);
  const expected = result.statusCodeStats?.[`${expectStatus}`]?.count ?? 0;
  if (result.errors > 0 || expected !== result.requests.total || expected === 0) {
    throw new Error(`${options.url}: expected HTTP ${expectStatus}, got ${JSON.stringify(result.statusCodeStats)}`);
  }
  return result.requests.total / result.duration;
}

/**
 * RFC 7662 introspection against `me`, both on the mirror, one server and one valid token. Both
 * run the same check (mirror, then the verified-token cache); introspection adds client
 * authentication and the form, `me` adds GraphQL. Load and server share this process alike for both.
 */
export async function benchIntrospection(connections: number, durationSeconds: number): Promise<IntrospectionResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'token-warden-introspection-bench-'));
  const config = resolveDevSecret(
    loadConfig({
      JWT_SECRET: randomBytes(48).toString('base64'),
      DATA_DIR: dataDir,
      OAUTH_CLIENTS: `${CLIENT}:${SECRET}`,
      ADMIN_EMAIL: 'bench@example.com',
      ADMIN_PASSWORD: 'bench-admin-password',
    }),
  );
  const database = await openDatabase({ kind: 'pglite' });
  await database.migrate();
  const server = await createServer({
    config,
    database,
    clock: systemClock,
    logger: createLogger({ level: 'warn', pretty: false }),
  });
  try {
    await server.services.users.bootstrapAdmin('bench@example.com', 'bench-admin-password');
    const address = await server.start(0, '127.0.0.1');
    const base = `http://127.0.0.1:${address.port}`;
    const signedIn = await server.services.signIn.login('bench@example.com', 'bench-admin-password', {
      clientAddress: '127.0.0.1',
      userAgent: 'bench',
    });
    const token = signedIn.access.token;
    const me = await requestsPerSecond(
      {
        url: `${base}/graphql`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { id } }' }),
        connections,
        duration: durationSeconds,
      },
      200,
    );
    const introspection = await requestsPerSecond(
      {
        url: `${base}/oauth/introspect`,
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${CLIENT}:${SECRET}`).toString('base64')}`,
        },
        body: `token=${token}`,
        connections,
        duration: durationSeconds,
      },
      200,
    );
    return { meRequestsPerSecond: me, introspectionRequestsPerSecond: introspection, connections, durationSeconds };
  } finally {
    await server.stop();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
