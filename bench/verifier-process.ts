// A service verifying Token Warden's access tokens with @token-warden/verifier, run as a child of
// the bench: one verifier, its stream, and its verify() timed and counted on the bench's command.
// The package's own source, compiled by the bench's build (the same target and module settings as
// the package's own build), so that no separate build has to come first.
import { createVerifier, VerifierError, type Verifier } from '../packages/verifier/src/index';
import type { VerifierCommand, VerifierMessage, VerifierProcessStatus } from './ipc';
import { monotonicMs } from './monotonic';
import { percentile } from '../test/support/wait';

/** A watched token still accepted after this long is a failure of the run, not a slow figure. */
const WATCH_GIVE_UP_MS = 10_000;

let verifier: Verifier | undefined;
/** Every request the verifier makes goes through here: discovery, the key set, the stream. */
let fetchCalls = 0;
const countingFetch: typeof fetch = (input, init) => {
  fetchCalls += 1;
  return globalThis.fetch(input, init);
};

function send(message: VerifierMessage): void {
  process.send?.(message);
}

function fail(error: unknown): void {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}

function heapUsedAfterGc(): number {
  global.gc?.();
  global.gc?.();
  return process.memoryUsage().heapUsed;
}

function running(): Verifier {
  if (!verifier) throw new Error('the verifier has not started');
  return verifier;
}

function statusOf(held: Verifier): VerifierProcessStatus {
  const { bytesReceived, version, reconnects, held: size } = held.status();
  return { bytesReceived, version, reconnects, held: size };
}

async function start(command: Extract<VerifierCommand, { type: 'start' }>): Promise<void> {
  // What createVerifier would load anyway, loaded first, so that the heap it adds is the state's.
  await import('jose');
  await (await fetch(new URL('/.well-known/oauth-authorization-server', command.issuer))).arrayBuffer();
  const heapBeforeBytes = heapUsedAfterGc();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  verifier = await createVerifier({
    issuer: command.issuer,
    clientId: command.clientId,
    clientSecret: command.clientSecret,
    maxStalenessSeconds: 5,
    startupTimeoutSeconds: 120,
    fetch: countingFetch,
  });
  const syncMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  send({
    type: 'synced',
    syncMs,
    cpuMs,
    heapBeforeBytes,
    heapAfterBytes: heapUsedAfterGc(),
    status: statusOf(verifier),
  });
}

async function accept(tokens: string[]): Promise<void> {
  const held = running();
  for (const token of tokens) await held.verify(token);
  send({ type: 'accepted', count: tokens.length });
}

function watch(token: string): void {
  const held = running();
  const since = performance.now();
  const check = () => {
    held.verify(token).then(
      () => {
        if (performance.now() - since > WATCH_GIVE_UP_MS)
          fail(`a revoked token still accepted after ${WATCH_GIVE_UP_MS} ms`);
        else setTimeout(check, 1);
      },
      (error: unknown) => {
        const atMs = monotonicMs();
        if (error instanceof VerifierError && error.code === 'TOKEN_REVOKED') send({ type: 'refused', atMs });
        else fail(error);
      },
    );
  };
  send({ type: 'watching' });
  check();
}

const micros = (values: number[]) => ({
  meanMicros: values.reduce((sum, value) => sum + value, 0) / values.length,
  p50Micros: percentile(values, 50),
  p99Micros: percentile(values, 99),
  samples: values.length,
});

async function cost(command: Extract<VerifierCommand, { type: 'cost' }>): Promise<void> {
  const held = running();
  const { Bench } = await import('tinybench');
  const callsBefore = fetchCalls;
  let verifies = 0;
  const bench = new Bench({ time: command.benchMs, warmupTime: Math.min(command.benchMs, 250) });
  bench.add('known token', async () => {
    verifies += 1;
    await held.verify(command.known);
  });
  await bench.run();
  const [task] = bench.tasks;
  const result = task?.result;
  if (result?.state !== 'completed') throw new Error(`verify() of a known token: ${result?.state ?? 'no result'}`);
  const fresh: number[] = [];
  for (const token of command.fresh) {
    const started = process.hrtime.bigint();
    await held.verify(token);
    fresh.push(Number(process.hrtime.bigint() - started) / 1000);
    verifies += 1;
  }
  send({
    type: 'cost',
    known: {
      meanMicros: result.latency.mean * 1000,
      p50Micros: result.latency.p50 * 1000,
      p99Micros: result.latency.p99 * 1000,
      samples: result.latency.samplesCount,
    },
    fresh: micros(fresh),
    fetchCalls: fetchCalls - callsBefore,
    verifies,
    status: statusOf(held),
  });
}

process.on('message', (command: VerifierCommand) => {
  switch (command.type) {
    case 'start':
      start(command).catch(fail);
      return;
    case 'accept':
      accept(command.tokens).catch(fail);
      return;
    case 'watch':
      watch(command.token);
      return;
    case 'cost':
      cost(command).catch(fail);
      return;
    case 'stop':
      void (verifier?.close() ?? Promise.resolve()).finally(() => process.exit(0));
  }
});

// The bench is gone (finished or failed): nothing is left to verify for.
process.on('disconnect', () => process.exit(0));
