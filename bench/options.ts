import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** The parts of the bench, each runnable alone with `--only`. */
export const BENCH_PARTS = [
  'context',
  'introspection',
  'overhead',
  'strategies',
  'live',
  'propagation',
  'bus',
  'status-list',
  'audit',
  'verifier',
] as const;
export type BenchPart = (typeof BENCH_PARTS)[number];

export interface BenchOptions {
  /** Which parts run; all of them unless `--only` names some. */
  parts: ReadonlySet<BenchPart>;
  /** Seconds of load per configuration and round. */
  durationSeconds: number;
  /** Rounds; each runs every configuration once, forward and backward in turn, so machine drift cancels out. */
  rounds: number;
  connections: number;
  /** Active revocations seeded for the scale configurations. */
  scaleRevocations: number;
  /** Revocations timed from one instance to another. */
  propagationRevocations: number;
  /** Idle authenticated WebSockets held open on one server while its throughput is measured. */
  idleSockets: number;
  /** Sockets of one user cut by one logoutAll. */
  fanOutSockets: number;
  /** Revocations whose socket cut is timed between two instances. */
  socketCuts: number;
  /** Milliseconds each context-builder case runs. */
  contextBenchMs: number;
  /** Unrecorded load first: a warm-up round, then a short lead-in before each measured run (off in the tiny mode). */
  warmUp: boolean;
  /** Instances in the bus part's fleet: one revokes, the others are timed until they all refuse. */
  fleetSize: number;
  /** Seconds of concurrent revocations (`connections` clients) in the bus part. */
  revokeSeconds: number;
  /** Log versions an instance missed, caught up from the log in the bus part. */
  missedRevocations: number;
  /** Revocations per second measured by the same load before the revocation log, to compare with. */
  revocationsBefore: number | undefined;
  /** A PostgreSQL server the bench may create its databases on; without it, embedded only. */
  postgresUrl: string | undefined;
  /** A NATS server (JetStream) and a Redis server for the bus part's rows; without them, those rows do not run. */
  natsUrl: string | undefined;
  redisUrl: string | undefined;
  /** Where results.md and the chart go; undefined when a partial run (`--only`) names no `--out`. */
  outDir: string | undefined;
}

const USAGE = `Usage: npm run bench -- [options]

  --duration <s>      seconds of load per configuration and round (default 1.5)
  --rounds <n>        rounds of alternating configurations (default 4)
  --connections <n>   concurrent connections (default 32)
  --revocations <n>   active revocations seeded for the scale runs (default 1000000)
  --propagation <n>   revocations timed between two instances (default 500)
  --sockets <n>       idle authenticated WebSockets held open during a throughput run (default 10000)
  --revoke-seconds <s>
                      seconds of revocations from --connections clients, in the bus part (default 10)
  --revocations-before <n>
                      revocations/s the same load measured before the revocation log (on 500f0f8),
                      for the throughput target; without it that target is not evaluated
  --nats-url <url>    NATS server with JetStream for the bus part's nats row (default: NATS_URL)
  --redis-url <url>   Redis server for the bus part's redis row (default: REDIS_URL)
  --only <parts>      comma-separated parts to run (default all): context (the context builder
                      alone), introspection (against me, on the mirror), overhead (the service
                      against a bare Apollo Server), strategies (mirror against database, scale,
                      slow database), live (WebSockets), propagation (two instances; needs
                      DATABASE_URL), bus (propagation per bus and connection, 8 instances,
                      revocations/s, catch-up from the log; needs DATABASE_URL), status-list
                      (a list of 1 048 576 entries, login + refreshToken with status lists on
                      and off, a revocation on A to the bit on B; the last needs DATABASE_URL),
                      audit (login throughput with the audit chain sealed against without),
                      verifier (@token-warden/verifier: propagation to 10 verifier processes,
                      embedded and, with DATABASE_URL, between two instances; verify() cost and
                      fetch calls; a verifier syncing --revocations; 1000 streams on one instance)
  --tiny              one short round with small numbers, to check that the bench still runs
  --out <dir>         where results.md and throughput.png are written (default bench/)

Set DATABASE_URL to a PostgreSQL server to add the PostgreSQL, slow-database, propagation and bus
runs; the bench creates its own databases there and drops them afterwards.`;

function parts(raw: string | undefined): ReadonlySet<BenchPart> {
  if (raw === undefined) return new Set(BENCH_PARTS);
  const named = raw.split(',').map((part) => part.trim());
  const unknown = named.filter((part) => !(BENCH_PARTS as readonly string[]).includes(part));
  if (unknown.length > 0 || named.length === 0) {
    throw new Error(`--only takes ${BENCH_PARTS.join(', ')}; got ${raw}\n\n${USAGE}`);
  }
  return new Set(named as BenchPart[]);
}

function given(raw: string | undefined): string | undefined {
  return raw === undefined || raw === '' ? undefined : raw;
}

function positive(name: string, raw: string | undefined, fallback: number, whole = true): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value))) {
    throw new Error(`--${name} must be a positive ${whole ? 'whole ' : ''}number\n\n${USAGE}`);
  }
  return value;
}

export function readOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      rounds: { type: 'string' },
      connections: { type: 'string' },
      revocations: { type: 'string' },
      propagation: { type: 'string' },
      sockets: { type: 'string' },
      'revoke-seconds': { type: 'string' },
      'revocations-before': { type: 'string' },
      'nats-url': { type: 'string' },
      'redis-url': { type: 'string' },
      only: { type: 'string' },
      tiny: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const tiny = values.tiny;
  return {
    parts: parts(values.only),
    durationSeconds: positive('duration', values.duration, tiny ? 1 : 1.5, false),
    rounds: positive('rounds', values.rounds, tiny ? 1 : 4),
    connections: positive('connections', values.connections, tiny ? 8 : 32),
    scaleRevocations: positive('revocations', values.revocations, tiny ? 5_000 : 1_000_000),
    propagationRevocations: positive('propagation', values.propagation, tiny ? 20 : 500),
    idleSockets: positive('sockets', values.sockets, tiny ? 200 : 10_000),
    fanOutSockets: tiny ? 50 : 1000,
    socketCuts: tiny ? 20 : 200,
    contextBenchMs: tiny ? 100 : 500,
    fleetSize: tiny ? 3 : 8,
    revokeSeconds: positive('revoke-seconds', values['revoke-seconds'], tiny ? 1 : 10, false),
    missedRevocations: tiny ? 500 : 10_000,
    revocationsBefore:
      values['revocations-before'] === undefined
        ? undefined
        : positive('revocations-before', values['revocations-before'], 0, false),
    warmUp: !tiny,
    postgresUrl: given(env.DATABASE_URL),
    natsUrl: given(values['nats-url']) ?? given(env.NATS_URL),
    redisUrl: given(values['redis-url']) ?? given(env.REDIS_URL),
    outDir: values.out ?? (values.only === undefined ? join(__dirname, '..', '..', 'bench') : undefined),
  };
}
