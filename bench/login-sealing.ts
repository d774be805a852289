import type { BenchDatabase, Fleet } from './fleet';
import { BENCH_ADMIN_EMAIL, UNTHROTTLED } from './fleet';
import { runLoad } from './load';
import type { BenchOptions } from './options';

/** Logins per second with the audit sealer running and with it stopped, on one database kind. */
export interface LoginSealingResult {
  database: 'embedded' | 'postgres';
  /** Median over the rounds. */
  sealedPerSecond: number;
  unsealedPerSecond: number;
  /** sealed ÷ not sealed within each round, median over the rounds. */
  ratio: number;
  /** Server CPU per login (the embedded database runs inside the server, the sealer with it). */
  sealedCpuMicros: number;
  unsealedCpuMicros: number;
  /** The logins each configuration served, over every round. */
  logins: number;
  rounds: number;
}

interface RoundSample {
  loginsPerSecond: number;
  logins: number;
  cpuMicros: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

/** Unrecorded logins before each measured run: scrypt's thread pool and the pool warm up. */
const LEAD_IN_SECONDS = 1;

/** Logins are slower than the probe request: longer runs than its, to count enough of them. */
const LOGIN_DURATION_FACTOR = 2;

/**
 * `login` writes one audit event each; the sealer chains them after they commit. One server, its
 * sealer running in some runs and stopped in the others, alternating within each round and in
 * reverse order from one round to the next: the same process, heap and database on both sides, so
 * that only the sealer and the machine's drift differ, and the drift falls on both alike. scrypt
 * runs at a tenth of a millisecond instead of its production 50 ms and more: a login is then its
 * database work (session, access token, audit event), and the sealer's share of it shows.
 */
async function measureOn(
  fleet: Fleet,
  kind: 'embedded' | 'postgres',
  database: BenchDatabase,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<LoginSealingResult> {
  const server = await fleet.startServer(`${kind}-login`, database, 'mirror', UNTHROTTLED, ['--cheap-scrypt']);
  const target = {
    url: server.url,
    query: `mutation { login(email: "${BENCH_ADMIN_EMAIL}", password: "${fleet.adminPassword}") { accessToken } }`,
    expectStatus: 200,
  };
  const samples = { sealed: [] as RoundSample[], unsealed: [] as RoundSample[] };
  const durationSeconds = options.durationSeconds * LOGIN_DURATION_FACTOR;
  for (let round = 0; round < options.rounds; round += 1) {
    const order = round % 2 === 0 ? (['sealed', 'unsealed'] as const) : (['unsealed', 'sealed'] as const);
    for (const side of order) {
      await server.setAuditSealing(side === 'sealed');
      if (options.warmUp) await runLoad(target, { connections: options.connections, durationSeconds: LEAD_IN_SECONDS });
      const before = await server.stats();
      const sample = await runLoad(target, { connections: options.connections, durationSeconds });
      const after = await server.stats();
      samples[side].push({
        loginsPerSecond: sample.requestsPerSecond,
        logins: sample.requests,
        cpuMicros: after.cpuMicros - before.cpuMicros,
      });
      log(`  ${kind}, ${side}: ${sample.requestsPerSecond.toFixed(1)} logins/s`);
    }
  }
  await server.setAuditSealing(true);
  const rate = (rounds: RoundSample[]) => median(rounds.map((run) => run.loginsPerSecond));
  const cpu = (rounds: RoundSample[]) =>
    rounds.reduce((sum, run) => sum + run.cpuMicros, 0) / rounds.reduce((sum, run) => sum + run.logins, 0);
  return {
    database: kind,
    sealedPerSecond: rate(samples.sealed),
    unsealedPerSecond: rate(samples.unsealed),
    ratio: median(
      samples.sealed.map((run, round) => run.loginsPerSecond / (samples.unsealed[round]?.loginsPerSecond ?? NaN)),
    ),
    sealedCpuMicros: cpu(samples.sealed),
    unsealedCpuMicros: cpu(samples.unsealed),
    logins: samples.sealed.reduce((sum, run) => sum + run.logins, 0),
    rounds: samples.sealed.length,
  };
}

/** The login throughput with the audit chain sealed against without, on each database the bench has. */
export async function measureLoginSealing(
  fleet: Fleet,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<LoginSealingResult[]> {
  log('login throughput with audit sealing against without (embedded)');
  const results = [await measureOn(fleet, 'embedded', fleet.embeddedDatabase(), options, log)];
  if (options.postgresUrl) {
    log('login throughput with audit sealing against without (PostgreSQL)');
    results.push(await measureOn(fleet, 'postgres', await fleet.postgresDatabase(options.postgresUrl), options, log));
  }
  return results;
}
