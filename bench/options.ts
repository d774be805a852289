import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** The parts of the bench, each runnable alone with `--only`. */
export const BENCH_PARTS = ['context', 'introspection', 'overhead', 'strategies', 'live', 'propagation'] as const;
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
  /** A PostgreSQL server the bench may create its databases on; without it, embedded only. */
  postgresUrl: string | undefined;
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
  --only <parts>      comma-separated parts to run (default all): context (the context builder
                      alone), introspection (against me, on the mirror), overhead (the service
                      against a bare Apollo Server), strategies (mirror against database, scale,
                      slow database), live (WebSockets), propagation (two instances; needs
                      DATABASE_URL)
  --tiny              one short round with small numbers, to check that the bench still runs
  --out <dir>         where results.md and throughput.png are written (default bench/)

Set DATABASE_URL to a PostgreSQL server to add the PostgreSQL, slow-database and propagation
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
    warmUp: !tiny,
    postgresUrl: env.DATABASE_URL === undefined || env.DATABASE_URL === '' ? undefined : env.DATABASE_URL,
    outDir: values.out ?? (values.only === undefined ? join(__dirname, '..', '..', 'bench') : undefined),
  };
}
