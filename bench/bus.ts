import { randomBytes } from 'node:crypto';
import type { BusMode } from '../src/revocation/bus/revocation-bus';
import type { PgBouncer } from '../test/support/pgbouncer';
import { measureCatchUp, type CatchUpResult } from './catch-up';
import type { BenchDatabase, Fleet } from './fleet';
import type { BenchOptions } from './options';
import { measurePropagation, type PropagationResult } from './propagation';
import type { ServerChild } from './server-child';
import { migrated } from './setup';
import { measureRevocationThroughput, type RevocationThroughput } from './throughput-revocations';
import { signIn } from './tokens';

/** REVOCATION_POLL_MS of every instance here: set rather than defaulted, so that the poll-mode target names it. */
export const BUS_POLL_MS = 100;
/** The p99 asked of every way that pushes new versions to the instances. */
const PUSH_TARGET_MS = 100;

/** How the instances reach PostgreSQL: directly, through PgBouncer, or through it with DATABASE_DIRECT_URL. */
type Connection = 'direct' | 'pooled' | 'pooled, listening direct';

/** One row: a bus, how the instances reach PostgreSQL, how many of them. */
interface BusPlan {
  label: string;
  instances: number;
  /** The mode every instance must report: in another, the row would measure another path than its label names. */
  mode: BusMode;
  targetMs: number;
  connection: Connection;
  /** The bus settings; undefined when the bus's server was not given, and `missing` says so. */
  env: Record<string, string> | undefined;
  missing?: string;
  /** Its bus is a server of its own (NATS, Redis): failing to start is reported in its row, not fatal. */
  outside?: boolean;
}

export interface BusRow {
  label: string;
  instances: number;
  mode: BusMode;
  targetMs: number;
  result?: PropagationResult;
  /** Why there is no result: the bus's server was not given, or the instances failed to start. */
  notRun?: string;
}

export interface BusReport {
  pollMs: number;
  rows: BusRow[];
  throughput: RevocationThroughput;
  /** Revocations/s the same load measured before the revocation log (`--revocations-before`). */
  throughputBefore: number | undefined;
  catchUp: CatchUpResult;
}

function outsideBus(bus: 'nats' | 'redis', url: string | undefined, name: string): Partial<BusPlan> {
  const variable = bus === 'nats' ? 'NATS_URL' : 'REDIS_URL';
  const server = bus === 'nats' ? 'NATS' : 'Redis';
  return {
    // A bus name of its own per run, so that the bench never reads another run's stream.
    env: url === undefined ? undefined : { REVOCATION_BUS: bus, [variable]: url, REVOCATION_BUS_NAME: name },
    missing: `not run (no ${server} given: \`--${bus}-url\` or \`${variable}\`)`,
    outside: true,
  };
}

function plans(options: BenchOptions): BusPlan[] {
  const postgresBus = { env: { REVOCATION_BUS: 'postgres' } };
  const name = `token-warden-bench-${randomBytes(4).toString('hex')}`;
  const two = { instances: 2, targetMs: PUSH_TARGET_MS };
  return [
    { ...two, ...postgresBus, label: '`postgres`, direct', mode: 'notify', connection: 'direct' },
    {
      ...two,
      ...postgresBus,
      label: '`postgres` behind PgBouncer',
      mode: 'poll',
      targetMs: 2 * BUS_POLL_MS,
      connection: 'pooled',
    },
    {
      ...two,
      ...postgresBus,
      label: '`postgres` behind PgBouncer, `DATABASE_DIRECT_URL` direct',
      mode: 'notify',
      connection: 'pooled, listening direct',
    },
    {
      ...two,
      label: '`nats` behind PgBouncer',
      mode: 'nats',
      connection: 'pooled',
      env: undefined,
      ...outsideBus('nats', options.natsUrl, name),
    },
    {
      ...two,
      label: '`redis` behind PgBouncer',
      mode: 'redis',
      connection: 'pooled',
      env: undefined,
      ...outsideBus('redis', options.redisUrl, name),
    },
    {
      ...postgresBus,
      label: '`postgres`, direct',
      instances: options.fleetSize,
      mode: 'notify',
      targetMs: PUSH_TARGET_MS,
      connection: 'direct',
    },
  ];
}

async function checkModes(servers: ServerChild[], mode: BusMode, when: string): Promise<void> {
  for (const server of servers) {
    const status = await server.status();
    if (status.busMode !== mode) {
      throw new Error(`${server.name} reported bus mode ${String(status.busMode)} ${when}, expected ${mode}`);
    }
  }
}

/** Starts the row's instances, checks their mode, and times revocations from the first to all others. */
async function runPlan(fleet: Fleet, bouncer: PgBouncer, plan: BusPlan, serverUrl: string, count: number) {
  const row: BusRow = { label: plan.label, instances: plan.instances, mode: plan.mode, targetMs: plan.targetMs };
  if (plan.env === undefined) return { ...row, notRun: plan.missing };
  const database = await migrated(await fleet.postgresDatabase(serverUrl));
  if (database.kind !== 'postgres') throw new Error('the bus runs need PostgreSQL');
  const reached: BenchDatabase =
    plan.connection === 'direct' ? database : { kind: 'postgres', url: bouncer.route(database.url) };
  const env: Record<string, string> = { ...plan.env, REVOCATION_POLL_MS: String(BUS_POLL_MS) };
  if (plan.connection === 'pooled, listening direct') env.DATABASE_DIRECT_URL = database.url;

  const started = await Promise.allSettled(
    Array.from({ length: plan.instances }, (_, i) =>
      fleet.startServer(`bus-${plan.mode}-${plan.instances}-${i}`, reached, 'mirror', env),
    ),
  );
  const servers = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failed = started.find((outcome) => outcome.status === 'rejected');
  try {
    if (failed) {
      const message = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
      if (plan.outside) return { ...row, notRun: `failed: ${message}` };
      throw new Error(message);
    }
    const [a, ...others] = servers;
    if (!a) throw new Error('no instance started');
    await checkModes(servers, plan.mode, 'when ready');
    const admin = await signIn(a, fleet.adminPassword);
    const spreadMs = plan.mode === 'poll' ? BUS_POLL_MS : 0;
    const result = await measurePropagation(a, others, admin.accessToken, count, spreadMs);
    // A fallback during the run would mix two paths in one row.
    await checkModes(servers, plan.mode, 'after the run');
    return { ...row, result };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/**
 * The revocation bus part: propagation for each bus and connection, then for a fleet; revocations
 * per second on one instance; catching up from the log against a full reload.
 */
export async function measureBuses(
  fleet: Fleet,
  options: BenchOptions,
  serverUrl: string,
  log: (line: string) => void,
): Promise<BusReport> {
  const bouncer = await fleet.pgBouncer(serverUrl);
  const rows: BusRow[] = [];
  for (const plan of plans(options)) {
    log(`bus: ${plan.label}, ${plan.instances} instances`);
    const row = await runPlan(fleet, bouncer, plan, serverUrl, options.propagationRevocations);
    if (row.notRun !== undefined) log(`bus: ${plan.label}: ${row.notRun}`);
    rows.push(row);
  }

  log(`bus: revocations from ${options.connections} clients for ${options.revokeSeconds} s, direct PostgreSQL`);
  const revoking = await fleet.startServer(
    'bus-revocations',
    await migrated(await fleet.postgresDatabase(serverUrl)),
    'mirror',
  );
  const admin = await signIn(revoking, fleet.adminPassword);
  const throughput = await measureRevocationThroughput(
    revoking.url,
    admin.accessToken,
    options.connections,
    options.revokeSeconds,
    options.warmUp,
  );
  await revoking.stop();

  log(`bus: catching up ${options.missedRevocations} versions, against a reload of ${options.scaleRevocations}`);
  const catchUp = await measureCatchUp(
    await fleet.postgresDatabase(serverUrl),
    options.missedRevocations,
    options.scaleRevocations,
  );
  return { pollMs: BUS_POLL_MS, rows, throughput, throughputBefore: options.revocationsBefore, catchUp };
}
