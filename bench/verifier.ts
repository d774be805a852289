// The verifier part: @token-warden/verifier in processes of its own, following a service's
// revocation event stream; and one service serving many streams.
import { randomBytes } from 'node:crypto';
import { postGraphQL } from '../test/support/graphql-client';
import { claimsOf, mintAccessTokens } from '../test/support/instances';
import { REVOKE_TOKEN } from '../test/support/operations';
import { percentile } from '../test/support/wait';
import { ChildLink } from './child-link';
import type { BenchDatabase, Fleet } from './fleet';
import type { ConsumerCommand, ConsumerMessage, VerifierCommand, VerifierMessage } from './ipc';
import { monotonicMs } from './monotonic';
import type { BenchOptions } from './options';
import { seedRevocations } from './seed';
import type { ServerChild } from './server-child';
import { migrated } from './setup';
import { signIn } from './tokens';

type VerifierProcess = ChildLink<VerifierCommand, VerifierMessage>;
type ConsumerProcess = ChildLink<ConsumerCommand, ConsumerMessage>;
type CostMessage = Extract<VerifierMessage, { type: 'cost' }>;

/** The sizes of the part: the issue's, or small ones in the tiny mode. */
export interface VerifierSizes {
  /** Verifier processes timed until each refuses a revoked token. */
  processes: number;
  /** Revocations timed, per database. */
  revocations: number;
  /** First-seen tokens, each verified once. */
  freshTokens: number;
  /** Milliseconds tinybench times verify() of a known token. */
  benchMs: number;
  /** Active revocations a fresh verifier syncs. */
  held: number;
  /** Raw streams held open on one instance. */
  streams: number;
  /** Processes holding them. */
  consumerProcesses: number;
  /** Revocations timed to the last of the streams. */
  fanOuts: number;
}

export function verifierSizes(options: BenchOptions): VerifierSizes {
  const tiny = !options.warmUp;
  return {
    processes: tiny ? 2 : 10,
    revocations: tiny ? 10 : 200,
    freshTokens: tiny ? 20 : 500,
    benchMs: options.contextBenchMs,
    held: options.scaleRevocations,
    streams: tiny ? 50 : 1000,
    consumerProcesses: tiny ? 1 : 4,
    fanOuts: tiny ? 3 : 20,
  };
}

export interface Lags {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface VerifierPropagation {
  database: 'embedded' | 'postgres';
  /** How the verifiers reach the revocation: the one instance, or instance B of two. */
  setting: string;
  processes: number;
  revocations: number;
  /** Per revocation, until the last of the processes refused the token: what the target is about. */
  slowest: Lags;
  /** Every process's own first refusal, all revocations together. */
  each: Lags;
  /** Refusals that came before the mutation's answer reached the bench (counted as 0 ms). */
  beforeAnswer: number;
  /** The slowest process again, timed from the moment the mutation was sent. */
  slowestFromRequest: Lags;
}

export interface VerifierCost {
  known: CostMessage['known'];
  fresh: CostMessage['fresh'];
  fetchCalls: number;
  verifies: number;
  /** The verifier's stream reconnected during the run: its fetch would show, and is no verify()'s. */
  reconnects: number;
}

export interface VerifierHolding {
  database: 'embedded' | 'postgres';
  revocations: number;
  seedMs: number;
  /** The service's own start on that database, its mirror loaded. */
  serviceStartMs: number;
  heldJtis: number;
  heapBytes: number;
  bytesPerRevocation: number;
  /**
   * createVerifier: discovery, the key set, the whole state, and the first heartbeat proving it
   * current; with the CPU time the verifier's process and the service's spent meanwhile.
   */
  syncMs: number;
  verifierCpuMs: number;
  serviceCpuMs: number;
  /** The same for the first verifier to sync from the service after it started, before this one. */
  coldServiceSyncMs: number;
  bytesReceived: number;
}

export interface StreamFanOut {
  streams: number;
  processes: number;
  heapBeforeBytes: number;
  heapAfterBytes: number;
  heapPerStreamBytes: number;
  revocations: number;
  /** From the mutation's answer, and from its request, to the last stream that received the revocation. */
  lastFromAnswer: Lags;
  lastFromRequest: Lags;
}

export interface VerifierBenchResult {
  propagation: VerifierPropagation[];
  cost: VerifierCost;
  holding: VerifierHolding;
  streams: StreamFanOut;
}

const lagsOf = (values: number[]): Lags => ({
  p50Ms: percentile(values, 50),
  p99Ms: percentile(values, 99),
  maxMs: Math.max(...values),
});

/** The service as another service's verifier needs it: ES256, a client of its own, no status lists. */
function serviceEnv(client: { id: string; secret: string }, streams: number): Record<string, string> {
  return {
    JWT_ALGORITHM: 'ES256',
    OAUTH_CLIENTS: `${client.id}:${client.secret}`,
    // Status lists need a URL issuer; instances on two ports have none, and nothing here reads them.
    STATUS_LIST: 'off',
    REVOCATION_EVENTS_MAX_STREAMS_PER_CLIENT: String(streams),
  };
}

async function startVerifier(
  name: string,
  issuer: string,
  client: { id: string; secret: string },
  execArgv: string[] = [],
): Promise<{ process: VerifierProcess; synced: Extract<VerifierMessage, { type: 'synced' }> }> {
  const child: VerifierProcess = new ChildLink(name, 'verifier-process.js', execArgv);
  try {
    const synced = await child.request(
      { type: 'start', issuer, clientId: client.id, clientSecret: client.secret },
      'synced',
    );
    return { process: child, synced };
  } catch (error) {
    await child.stop({ type: 'stop' });
    throw error;
  }
}

const stopAll = (children: VerifierProcess[]) => Promise.all(children.map((child) => child.stop({ type: 'stop' })));

async function revoke(server: ServerChild, adminToken: string, token: string): Promise<void> {
  const revoked = await postGraphQL(
    server.url,
    REVOKE_TOKEN,
    { input: { jti: claimsOf(token).jti } },
    { token: adminToken },
  );
  if (revoked.errors) throw new Error(`revokeToken on ${server.name} failed: ${revoked.text}`);
}

/** Fresh live tokens of one new session of the bench's administrator. */
async function mint(server: ServerChild, fleet: Fleet, count: number): Promise<string[]> {
  return mintAccessTokens(server.url, await signIn(server, fleet.adminPassword), count);
}

/**
 * Revokes each token on `revoker` and times, from the moment its answer arrived, each verifier's
 * first refusal of it; each verifier checks the token every millisecond from just before.
 */
async function timePropagation(
  revoker: ServerChild,
  verifiers: VerifierProcess[],
  adminToken: string,
  tokens: string[],
) {
  await Promise.all(verifiers.map((verifier) => verifier.request({ type: 'accept', tokens }, 'accepted')));
  const slowest: number[] = [];
  const slowestFromRequest: number[] = [];
  const each: number[] = [];
  let beforeAnswer = 0;
  for (const token of tokens) {
    await Promise.all(verifiers.map((verifier) => verifier.request({ type: 'watch', token }, 'watching')));
    const refusals = verifiers.map((verifier) => verifier.next('refused'));
    const requestedAtMs = monotonicMs();
    await revoke(revoker, adminToken, token);
    const answeredAtMs = monotonicMs();
    const refusedAtMs = (await Promise.all(refusals)).map(({ atMs }) => atMs);
    slowestFromRequest.push(Math.max(...refusedAtMs) - requestedAtMs);
    const lags = refusedAtMs.map((atMs) => atMs - answeredAtMs);
    beforeAnswer += lags.filter((lag) => lag < 0).length;
    const counted = lags.map((lag) => Math.max(0, lag));
    each.push(...counted);
    slowest.push(Math.max(...counted));
  }
  return {
    slowest: lagsOf(slowest),
    each: lagsOf(each),
    beforeAnswer,
    slowestFromRequest: lagsOf(slowestFromRequest),
    revocations: tokens.length,
  };
}

async function startVerifiers(count: number, issuer: string, client: { id: string; secret: string }) {
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => startVerifier(`verifier-${i}`, issuer, client)),
  );
  const verifiers = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.process] : []));
  const failed = started.find((outcome) => outcome.status === 'rejected');
  if (failed) {
    await stopAll(verifiers);
    throw failed.reason;
  }
  return verifiers;
}

/** Opens `count` raw streams in `processes` processes, times one revocation to the last of them, `fanOuts` times. */
async function measureStreams(
  server: ServerChild,
  fleet: Fleet,
  client: { id: string; secret: string },
  sizes: VerifierSizes,
): Promise<StreamFanOut> {
  const admin = await signIn(server, fleet.adminPassword);
  const tokens = await mint(server, fleet, sizes.fanOuts);
  const heapBeforeBytes = await server.heapUsedBytes();
  const consumers: ConsumerProcess[] = Array.from(
    { length: sizes.consumerProcesses },
    (_, i) => new ChildLink(`stream-consumers-${i}`, 'stream-consumers-process.js'),
  );
  try {
    const authorization = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
    const url = `${server.origin}/oauth/revocation-events`;
    const share = Math.ceil(sizes.streams / consumers.length);
    const opened = await Promise.all(
      consumers.map((consumer, i) =>
        consumer.request(
          { type: 'open', url, authorization, count: Math.min(share, sizes.streams - i * share) },
          'opened',
        ),
      ),
    );
    const streams = opened.reduce((sum, { count }) => sum + count, 0);
    const heapAfterBytes = await server.heapUsedBytes();
    const fromAnswer: number[] = [];
    const fromRequest: number[] = [];
    for (const token of tokens) {
      const { jti } = claimsOf(token);
      await Promise.all(consumers.map((consumer) => consumer.request({ type: 'watch', needle: jti }, 'watching')));
      const seen = consumers.map((consumer) => consumer.next('seen'));
      const requestedAtMs = monotonicMs();
      await revoke(server, admin.accessToken, token);
      const answeredAtMs = monotonicMs();
      const lastAtMs = Math.max(...(await Promise.all(seen)).map((each) => each.lastAtMs));
      fromAnswer.push(Math.max(0, lastAtMs - answeredAtMs));
      fromRequest.push(lastAtMs - requestedAtMs);
    }
    return {
      streams,
      processes: consumers.length,
      heapBeforeBytes,
      heapAfterBytes,
      heapPerStreamBytes: (heapAfterBytes - heapBeforeBytes) / streams,
      revocations: tokens.length,
      lastFromAnswer: lagsOf(fromAnswer),
      lastFromRequest: lagsOf(fromRequest),
    };
  } finally {
    await Promise.all(consumers.map((consumer) => consumer.stop({ type: 'close' })));
  }
}

/** A fresh verifier syncing a service that holds `count` active revocations, with real-shaped jtis. */
async function measureHolding(
  fleet: Fleet,
  client: { id: string; secret: string },
  count: number,
  postgresUrl: string | undefined,
  log: (line: string) => void,
): Promise<VerifierHolding> {
  const database: BenchDatabase = postgresUrl ? await fleet.postgresDatabase(postgresUrl) : fleet.embeddedDatabase();
  log(`verifier: seeding ${count} revocations (${database.kind})`);
  const seedMs = await seedRevocations(database, count, 'issued');
  const server = await fleet.startServer('verifier-holding', database, 'mirror', serviceEnv(client, 10));
  try {
    if (server.ready.mirrorSize !== count) {
      throw new Error(`the service holds ${server.ready.mirrorSize} revocations, expected ${count}`);
    }
    log(`verifier: two fresh verifiers in turn syncing ${count} revocations`);
    const sync = async (name: string) => {
      const started = await startVerifier(name, server.origin, client, ['--expose-gc']);
      await started.process.stop({ type: 'stop' });
      return started.synced;
    };
    // The first meets a service that has served no stream yet; a verifier starting beside a
    // running service meets one that has, as the second does.
    const cold = await sync('verifier-holding-0');
    const serviceBefore = await server.stats();
    const synced = await sync('verifier-holding-1');
    const serviceAfter = await server.stats();
    const heapBytes = synced.heapAfterBytes - synced.heapBeforeBytes;
    return {
      database: database.kind,
      revocations: count,
      seedMs,
      serviceStartMs: server.ready.startMs,
      heldJtis: synced.status.held.jtis,
      heapBytes,
      bytesPerRevocation: heapBytes / synced.status.held.jtis,
      syncMs: synced.syncMs,
      verifierCpuMs: synced.cpuMs,
      serviceCpuMs: (serviceAfter.cpuMicros - serviceBefore.cpuMicros) / 1000,
      coldServiceSyncMs: cold.syncMs,
      bytesReceived: synced.status.bytesReceived,
    };
  } finally {
    await server.stop();
  }
}

/**
 * The verifier part: propagation to verifier processes (embedded, then two instances on
 * PostgreSQL), verify()'s cost and network calls, a verifier holding many revocations, and one
 * instance serving many streams.
 */
export async function measureVerifier(
  fleet: Fleet,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<VerifierBenchResult> {
  const sizes = verifierSizes(options);
  const client = { id: 'bench-verifier', secret: randomBytes(32).toString('base64url') };
  const env = serviceEnv(client, sizes.streams + sizes.processes + 10);
  const propagation: VerifierPropagation[] = [];

  log(`verifier: one service (embedded), ${sizes.processes} verifier processes`);
  const embedded = await fleet.startServer('verifier-embedded', fleet.embeddedDatabase(), 'mirror', env);
  let cost: VerifierCost;
  let streams: StreamFanOut;
  try {
    const admin = await signIn(embedded, fleet.adminPassword);
    const tokens = await mint(embedded, fleet, sizes.revocations + sizes.freshTokens + 1);
    const revoked = tokens.slice(0, sizes.revocations);
    const [known = '', ...fresh] = tokens.slice(sizes.revocations);
    const verifiers = await startVerifiers(sizes.processes, embedded.origin, client);
    try {
      log(`verifier: ${sizes.revocations} revocations, each timed to ${sizes.processes} refusals`);
      propagation.push({
        database: 'embedded',
        setting: 'one instance',
        processes: verifiers.length,
        ...(await timePropagation(embedded, verifiers, admin.accessToken, revoked)),
      });
      const [measured, ...others] = verifiers;
      if (!measured) throw new Error('no verifier process started');
      await stopAll(others);
      log('verifier: verify() of a known token and of first-seen tokens, counting fetch calls');
      await measured.request({ type: 'accept', tokens: [known] }, 'accepted');
      const result = await measured.request({ type: 'cost', known, fresh, benchMs: sizes.benchMs }, 'cost');
      cost = {
        known: result.known,
        fresh: result.fresh,
        fetchCalls: result.fetchCalls,
        verifies: result.verifies,
        reconnects: result.status.reconnects,
      };
    } finally {
      await stopAll(verifiers);
    }
    log(`verifier: ${sizes.streams} streams on one instance`);
    streams = await measureStreams(embedded, fleet, client, sizes);
  } finally {
    await embedded.stop();
  }

  if (options.postgresUrl) {
    log(`verifier: two instances on PostgreSQL, ${sizes.processes} verifier processes streaming from B`);
    const shared = await migrated(await fleet.postgresDatabase(options.postgresUrl));
    const [a, b] = await Promise.all([
      fleet.startServer('verifier-postgres-a', shared, 'mirror', env),
      fleet.startServer('verifier-postgres-b', shared, 'mirror', env),
    ]);
    try {
      const admin = await signIn(a, fleet.adminPassword);
      const tokens = await mint(a, fleet, sizes.revocations);
      const verifiers = await startVerifiers(sizes.processes, b.origin, client);
      try {
        log(`verifier: ${sizes.revocations} revocations on A, each timed to ${sizes.processes} refusals`);
        propagation.push({
          database: 'postgres',
          setting: 'revoked on A, streamed from B',
          processes: verifiers.length,
          ...(await timePropagation(a, verifiers, admin.accessToken, tokens)),
        });
      } finally {
        await stopAll(verifiers);
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  } else {
    log('DATABASE_URL is not set: the verifier propagation between two instances skipped');
  }

  const holding = await measureHolding(fleet, client, sizes.held, options.postgresUrl, log);
  return { propagation, cost, holding, streams };
}
