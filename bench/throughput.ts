import { runLoad, type LoadSample, type LoadSettings, type LoadTarget } from './load';
import type { ServerChild } from './server-child';

/** One configuration under load: a server, the token it is sent, and the run its ratios refer to. */
export interface Configuration extends LoadTarget {
  id: string;
  label: string;
  database: string;
  server: ServerChild;
  /** The id of the configuration its throughput is divided by (itself for a baseline). */
  baselineId: string;
  /** Whether the request carries a token, so that statements per request mean something. */
  authenticated: boolean;
}

/** One configuration's run in one round, with what the server spent on it. */
export interface RoundSample extends LoadSample {
  cpuMicros: number;
  statements: number;
  backgroundStatements: number;
  minorGcMicros: number;
  majorGcMicros: number;
}

export interface ConfigurationResult {
  configuration: Configuration;
  /** One per round, in round order, so that two configurations can be compared round by round. */
  rounds: RoundSample[];
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Statements the server sent to its database per request served, over every round. */
  statementsPerRequest: number;
  /** The same without those of the background jobs (reconcile, key poll): what the requests cost. */
  requestStatementsPerRequest: number;
  /**
   * CPU time the server process spent per request served, over every round. Steadier than
   * throughput on a shared machine: time another process takes from us is not counted.
   */
  cpuMicrosPerRequest: number;
  /** Main-thread collector pauses per request served: young-generation and full collections. */
  minorGcMicrosPerRequest: number;
  majorGcMicrosPerRequest: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle)
    ? ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2
    : (sorted[Math.floor(middle)] ?? NaN);
}

/**
 * Unrecorded load on the same configuration right before each measured run, so that every run
 * measures a server in steady state. Without it the figures measured what came before instead:
 * the previous server and the load generator still collecting garbage on the two shared cores
 * (whichever server ran second in a pair was up to 40 % slower), and a server idle for the
 * other configurations' runs first paying a full collection of its now larger heap (with 1 M
 * revocations loaded, 25 % slower over a 1.5 s run; this lead-in absorbs part of that).
 */
const LEAD_IN_SECONDS = 0.5;

/**
 * One unrecorded round before the measured ones, each configuration at full length: a server's
 * first run measured it settling, not its steady state. The server that had just admitted 10 000
 * sockets ran its first round at 0.72–0.93 × the server without them, its later rounds at 0.83–1.01 ×.
 */
async function warmUpRound(configurations: Configuration[], settings: LoadSettings): Promise<void> {
  for (const configuration of configurations) await runLoad(configuration, settings);
}

/**
 * Forward in even rounds, backward in odd ones: a drift that is linear in time then cancels for
 * every pair, and configurations listed next to each other always run next to each other.
 */
function roundOrder<T>(items: T[], round: number): T[] {
  return round % 2 === 0 ? items : [...items].reverse();
}

/** Throughput of `result` over `reference`, compared within each round, median over rounds. */
export function pairedRatio(result: ConfigurationResult, reference: ConfigurationResult): number {
  return median(
    result.rounds.map((run, round) => run.requestsPerSecond / (reference.rounds[round]?.requestsPerSecond ?? NaN)),
  );
}

function summarize(configuration: Configuration, rounds: RoundSample[]): ConfigurationResult {
  const total = (pick: (run: RoundSample) => number) => rounds.reduce((sum, run) => sum + pick(run), 0);
  const requests = total((run) => run.requests);
  return {
    configuration,
    rounds,
    requestsPerSecond: median(rounds.map((run) => run.requestsPerSecond)),
    p50Ms: median(rounds.map((run) => run.p50Ms)),
    p99Ms: median(rounds.map((run) => run.p99Ms)),
    statementsPerRequest: total((run) => run.statements) / requests,
    requestStatementsPerRequest: total((run) => run.statements - run.backgroundStatements) / requests,
    cpuMicrosPerRequest: total((run) => run.cpuMicros) / requests,
    minorGcMicrosPerRequest: total((run) => run.minorGcMicros) / requests,
    majorGcMicrosPerRequest: total((run) => run.majorGcMicros) / requests,
  };
}

/** Runs every configuration once per round, alternating, so that drift on a shared machine hits all alike. */
export async function measureThroughput(
  configurations: Configuration[],
  settings: LoadSettings & { rounds: number; warmUp: boolean },
  progress: (line: string) => void,
): Promise<ConfigurationResult[]> {
  const rounds = new Map<string, RoundSample[]>(configurations.map((c) => [c.id, []]));
  if (settings.warmUp) {
    progress('warm-up round (not recorded)');
    await warmUpRound(configurations, settings);
  }
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const configuration of roundOrder(configurations, round)) {
      if (settings.warmUp) await runLoad(configuration, { ...settings, durationSeconds: LEAD_IN_SECONDS });
      const before = await configuration.server.stats();
      const sample = await runLoad(configuration, settings);
      const after = await configuration.server.stats();
      rounds.get(configuration.id)?.push({
        ...sample,
        cpuMicros: after.cpuMicros - before.cpuMicros,
        statements: after.statements - before.statements,
        backgroundStatements: after.backgroundStatements - before.backgroundStatements,
        minorGcMicros: after.minorGcMicros - before.minorGcMicros,
        majorGcMicros: after.majorGcMicros - before.majorGcMicros,
      });
      progress(
        `round ${round + 1}/${settings.rounds} ${configuration.id}: ${sample.requestsPerSecond.toFixed(0)} req/s, ` +
          `p99 ${sample.p99Ms} ms`,
      );
    }
  }
  return configurations.map((configuration) => summarize(configuration, rounds.get(configuration.id) ?? []));
}
