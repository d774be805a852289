import type { BenchDatabase, Fleet } from './fleet';
import { BENCH_ADMIN_EMAIL } from './fleet';
import { runLoad } from './load';
import type { BenchOptions } from './options';
import type { ServerChild } from './server-child';

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

/** One account signs in from one address all the time: the throttle would refuse it, rightly. */
const UNTHROTTLED = { LOGIN_THROTTLE_EMAIL_MAX: '0', LOGIN_THROTTLE_ADDRESS_MAX: '0' };

/** Unrecorded logins before each measured run: scrypt's thread pool and the pool warm up. */
const LEAD_IN_SECONDS = 1;

/** Logins are slower than the probe request: longer runs than its, to count enough of them. */
const LOGIN_DURATION_FACTOR = 2;

/**
 * `login` writes one audit event each; the sealer chains them after they commit. Two servers on
 * two databases of the same kind, one whose sealer was stopped at start, driven by the same login
 * load in alternating order, round after round, so that drift in the machine falls on both alike.
 * scrypt runs at a tenth of a millisecond instead of its production 50 ms and more: a login is then
 * its database work (session, access token, audit event), and the sealer's share of it shows.
 */
async function measureOn(
  fleet: Fleet,
  kind: 'embedded' | 'postgres',
  databases: [BenchDatabase, BenchDatabase],
  options: BenchOptions,
  log: (line: string) => void,
): Promise<LoginSealingResult> {
  const sealed = await fleet.startServer(`${kind}-login-sealed`, databases[0], 'mirror', UNTHROTTLED, [
    '--cheap-scrypt',
  ]);
  const unsealed = await fleet.startServer(`${kind}-login-unsealed`, databases[1], 'mirror', UNTHROTTLED, [
    '--cheap-scrypt',
    '--no-audit-sealing',
  ]);
  const query = `mutation { login(email: "${BENCH_ADMIN_EMAIL}", password: "${fleet.adminPassword}") { accessToken } }`;
  const samples = new Map<ServerChild, RoundSample[]>([
    [sealed, []],
    [unsealed, []],
  ]);
  const durationSeconds = options.durationSeconds * LOGIN_DURATION_FACTOR;
  for (let round = 0; round < options.rounds; round += 1) {
    const order = round % 2 === 0 ? [sealed, unsealed] : [unsealed, sealed];
    for (const server of order) {
      const target = { url: server.url, query, expectStatus: 200 };
      if (options.warmUp) await runLoad(target, { connections: options.connections, durationSeconds: LEAD_IN_SECONDS });
      const before = await server.stats();
      const sample = await runLoad(target, { connections: options.connections, durationSeconds });
      const after = await server.stats();
      samples.get(server)?.push({
        loginsPerSecond: sample.requestsPerSecond,
        logins: sample.requests,
        cpuMicros: after.cpuMicros - before.cpuMicros,
      });
      log(`  ${server.name}: ${sample.requestsPerSecond.toFixed(1)} logins/s`);
    }
  }
  const sealedRounds = samples.get(sealed) ?? [];
  const unsealedRounds = samples.get(unsealed) ?? [];
  const rate = (rounds: RoundSample[]) => median(rounds.map((run) => run.loginsPerSecond));
  const cpu = (rounds: RoundSample[]) =>
    rounds.reduce((sum, run) => sum + run.cpuMicros, 0) / rounds.reduce((sum, run) => sum + run.logins, 0);
  return {
    database: kind,
    sealedPerSecond: rate(sealedRounds),
    unsealedPerSecond: rate(unsealedRounds),
    ratio: median(
      sealedRounds.map((run, round) => run.loginsPerSecond / (unsealedRounds[round]?.loginsPerSecond ?? NaN)),
    ),
    sealedCpuMicros: cpu(sealedRounds),
    unsealedCpuMicros: cpu(unsealedRounds),
    logins: sealedRounds.reduce((sum, run) => sum + run.logins, 0),
    rounds: sealedRounds.length,
  };
}

/** The login throughput with the audit chain sealed against without, on each database the bench has. */
export async function measureLoginSealing(
  fleet: Fleet,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<LoginSealingResult[]> {
  log('login throughput with audit sealing against without (embedded)');
  const results = [
    await measureOn(fleet, 'embedded', [fleet.embeddedDatabase(), fleet.embeddedDatabase()], options, log),
  ];
  if (options.postgresUrl) {
    log('login throughput with audit sealing against without (PostgreSQL)');
    const databases: [BenchDatabase, BenchDatabase] = [
      await fleet.postgresDatabase(options.postgresUrl),
      await fleet.postgresDatabase(options.postgresUrl),
    ];
    results.push(await measureOn(fleet, 'postgres', databases, options, log));
  }
  return results;
}
