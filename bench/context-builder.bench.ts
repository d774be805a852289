import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { IncomingMessage, type IncomingHttpHeaders } from 'node:http';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContextBuilder } from '../src/http/request-context';
import { resolveDevSecret } from '../src/auth/dev-secret';
import { systemClock } from '../src/clock';
import { loadConfig, type JwtAlgorithm, type RevocationStrategy } from '../src/config';
import { openDatabase } from '../src/db/client';
import { createLogger } from '../src/observability/logger';
import { Metrics } from '../src/observability/metrics';
import { RequestRecord } from '../src/observability/request-record';
import { Telemetry } from '../src/observability/telemetry';
import { createServices } from '../src/services';

/** The HTTP request every built context is recorded against; nothing reads it. */
const BENCH_REQUEST = new IncomingMessage(new Socket());

export interface ContextCase {
  name: string;
  opsPerSecond: number;
  meanMicros: number;
  p99Micros: number;
}

const bearer = (token: string): IncomingHttpHeaders => ({ authorization: `Bearer ${token}` });

/** A context builder over real services on an in-memory embedded database, and headers for each case. */
async function fixture(strategy: RevocationStrategy, tokenCacheSize?: number, algorithm: JwtAlgorithm = 'HS256') {
  const dataDir = mkdtempSync(join(tmpdir(), 'token-warden-context-bench-'));
  const config = resolveDevSecret(
    loadConfig({
      JWT_SECRET: randomBytes(48).toString('base64'),
      REVOCATION_CHECK: strategy,
      JWT_ALGORITHM: algorithm,
      // ES256 tokens carry a status list claim by default, whose URI needs a URL issuer; no
      // request reaches it here.
      JWT_ISSUER: algorithm === 'ES256' ? 'http://127.0.0.1:4000' : undefined,
      TOKEN_CACHE_SIZE: tokenCacheSize === undefined ? undefined : String(tokenCacheSize),
      DATA_DIR: dataDir,
    }),
  );
  const database = await openDatabase({ kind: 'pglite' });
  await database.migrate();
  const telemetry = new Telemetry(createLogger({ level: 'warn', pretty: false }), new Metrics());
  const running = createServices(config, database, systemClock, telemetry);
  const { services } = running;
  await running.start();
  const password = randomBytes(12).toString('base64url');
  const origin = { clientAddress: '127.0.0.1', userAgent: 'bench' };
  const live = await services.signIn.register(`bench-${randomBytes(4).toString('hex')}@example.com`, password, origin);
  const doomed = await services.signIn.login(live.user.email, password, origin);
  await services.revocations.revokeToken({ token: doomed.access.token }, live.user.id);
  // Our header and claims (our kid included) under a signature made with a key of the attacker's.
  const signingInput = live.access.token.split('.').slice(0, 2).join('.');
  const forged = {
    token: `${signingInput}.${createHmac('sha256', randomBytes(32)).update(signingInput).digest('base64url')}`,
  };
  const build = createContextBuilder({
    tokens: services.tokens,
    revocations: services.revocationCheck,
    services,
    onCheckFailure: (error) => console.error('revocation check failed', error),
  });
  return {
    build,
    headers: { valid: bearer(live.access.token), revoked: bearer(doomed.access.token), forged: bearer(forged.token) },
    close: async () => {
      await running.stop();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Ops/s of the request pipeline alone (no HTTP): the number that shows a regression without network noise. */
export async function benchContextBuilder(timeMs: number): Promise<ContextCase[]> {
  const { Bench } = await import('tinybench');
  const mirror = await fixture('mirror');
  const uncached = await fixture('mirror', 0);
  const database = await fixture('database');
  const es = await fixture('mirror', undefined, 'ES256');
  const esUncached = await fixture('mirror', 0, 'ES256');
  try {
    const bench = new Bench({ time: timeMs, warmupTime: Math.min(timeMs, 250) });
    const accepted = (build: typeof mirror.build, headers: IncomingHttpHeaders) => async () => {
      await build(headers, new RequestRecord('bench', BENCH_REQUEST), null);
    };
    const refused = (build: typeof mirror.build, headers: IncomingHttpHeaders) => async () => {
      const accepted = await build(headers, new RequestRecord('bench', BENCH_REQUEST), null).then(
        () => true,
        () => false,
      );
      if (accepted) throw new Error('a token that must be refused was accepted');
    };
    bench
      .add('valid token, mirror check', accepted(mirror.build, mirror.headers.valid))
      .add('valid token, mirror check, TOKEN_CACHE_SIZE=0', accepted(uncached.build, uncached.headers.valid))
      .add('valid ES256 token, mirror check', accepted(es.build, es.headers.valid))
      .add('valid ES256 token, mirror check, TOKEN_CACHE_SIZE=0', accepted(esUncached.build, esUncached.headers.valid))
      .add('revoked token, mirror check', refused(mirror.build, mirror.headers.revoked))
      .add('forged token, mirror check', refused(mirror.build, mirror.headers.forged))
      .add('valid token, database check (embedded)', accepted(database.build, database.headers.valid));
    await bench.run();
    return bench.tasks.map((task) => {
      const result = task.result;
      if (result.state !== 'completed') throw new Error(`context bench "${task.name}" ended ${result.state}`);
      return {
        name: task.name,
        opsPerSecond: result.throughput.mean,
        meanMicros: result.latency.mean * 1000,
        p99Micros: result.latency.p99 * 1000,
      };
    });
  } finally {
    await mirror.close();
    await uncached.close();
    await database.close();
    await es.close();
    await esUncached.close();
  }
}
