// `npm run bench`: what the revocation check costs, measured side by side in one run.
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { writeThroughputChart } from './chart';
import { measureBuses } from './bus';
import { benchStatusLists } from './status-list';
import { benchContextBuilder } from './context-builder.bench';
import { benchIntrospection } from './introspection.bench';
import { Fleet } from './fleet';
import { readOptions, type BenchOptions } from './options';
import { measureLoginSealing } from './login-sealing';
import { measurePropagation } from './propagation';
import { evaluateTargets, renderMarkdown, type BenchReport } from './report';
import { inRunOrder, startScalePair, startSlowPair, startStrategyPair, type StrategyPair } from './setup';
import { frameworkConfiguration, ME_QUERY } from './overhead';
import { measureThroughput, type Configuration, type ConfigurationResult } from './throughput';
import { measureBareSockets } from './bare-sockets';
import { holdIdleSockets, idleSocketTokens, measureFanOut, measureSocketCuts, type SocketCutResult } from './sockets';
import { signIn } from './tokens';
import { measureVerifier } from './verifier';

const SLOW_DATABASE_DELAY_MS = 5;
const MB = 1024 * 1024;

const benchStarted = performance.now();
const log = (line: string) =>
  console.log(`[bench +${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(3)} s] ${line}`);

async function postgresVersion(url: string): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const [row] = await sql<{ version: string }[]>`select version()`;
    return row?.version ?? 'PostgreSQL';
  } finally {
    await sql.end();
  }
}

/** The throughput configurations of the parts asked for, with the servers the later parts reuse. */
async function startConfigurations(options: BenchOptions, fleet: Fleet) {
  const { parts } = options;
  log('starting servers on the embedded database');
  const embedded = await startStrategyPair(fleet, 'embedded', !options.postgresUrl);
  const [baseline, mirror, ...others] = embedded.configurations;
  if (!baseline || !mirror) throw new Error('the embedded pair has no baseline or mirror configuration');
  const configurations: Configuration[] = [baseline, mirror];

  if (parts.has('overhead')) {
    log('starting a bare Apollo Server beside them');
    const bare = await fleet.startBareApollo();
    configurations.push(frameworkConfiguration(bare), {
      ...mirror,
      id: 'embedded/me',
      label: 'Mirror: valid token, `me { id email role }`',
      query: ME_QUERY,
    });
  }

  let postgresPair: StrategyPair | undefined;
  let scale;
  if (parts.has('strategies')) {
    configurations.push(...others);
    if (options.postgresUrl) {
      log('starting servers on PostgreSQL');
      postgresPair = await startStrategyPair(fleet, 'postgres', true, options.postgresUrl);
      configurations.push(...postgresPair.configurations);
    } else {
      log('DATABASE_URL is not set: PostgreSQL, slow-database and propagation runs skipped');
    }
    const scaleKind = options.postgresUrl ? 'postgres' : 'embedded';
    log(`seeding ${options.scaleRevocations} revocations (${scaleKind})`);
    scale = await startScalePair(fleet, scaleKind, options.scaleRevocations, options.postgresUrl);
    configurations.push(...scale.configurations);
    if (postgresPair?.shared) {
      log(`starting servers behind a proxy adding ${SLOW_DATABASE_DELAY_MS} ms each way`);
      configurations.push(...(await startSlowPair(fleet, postgresPair.shared, SLOW_DATABASE_DELAY_MS)));
    }
  }

  let idle;
  if (parts.has('live')) {
    log(`opening ${options.idleSockets} idle authenticated WebSockets on a server of their own`);
    const socketsServer = await fleet.startServer('embedded-mirror-idle-sockets', fleet.embeddedDatabase(), 'mirror');
    idle = await holdIdleSockets(socketsServer, await idleSocketTokens(socketsServer, options.idleSockets));
    configurations.push({
      id: 'embedded/mirror-idle-sockets',
      label: `mirror, valid token, ${options.idleSockets} idle sockets open`,
      database: 'embedded',
      server: socketsServer,
      url: socketsServer.url,
      token: (await signIn(socketsServer, fleet.adminPassword)).accessToken,
      expectStatus: 200,
      baselineId: 'embedded/baseline',
      authenticated: true,
    });
  }
  return { embedded, postgresPair, scale, idle, configurations };
}

async function run(options: BenchOptions, fleet: Fleet): Promise<BenchReport> {
  const { parts } = options;
  let context;
  if (parts.has('context')) {
    log('context builder alone');
    context = await benchContextBuilder(options.contextBenchMs);
  }

  let throughput: ConfigurationResult[] = [];
  let started;
  if (parts.has('overhead') || parts.has('strategies') || parts.has('live')) {
    started = await startConfigurations(options, fleet);
    log(`${started.configurations.length} configurations × ${options.rounds} rounds × ${options.durationSeconds} s`);
    throughput = await measureThroughput(inRunOrder(started.configurations), options, log);
    started.idle?.close();
  }

  let live;
  if (parts.has('live') && started?.idle) {
    log(`fan-out: logoutAll of one user with ${options.fanOutSockets} open sockets`);
    const fanOut = await measureFanOut(started.embedded.mirror, options.fanOutSockets);
    log(`control: ${options.idleSockets} idle sockets on a bare Apollo Server with graphql-ws`);
    const bareSockets = await measureBareSockets(fleet, options, log);
    live = { idle: started.idle.result, fanOut, bareSockets, socketCuts: undefined as SocketCutResult | undefined };
  }

  let introspection;
  if (parts.has('introspection')) {
    log('introspection against me, on the mirror');
    introspection = await benchIntrospection(options.connections, options.durationSeconds * 2);
  }

  let propagation;
  if ((parts.has('propagation') || parts.has('live')) && options.postgresUrl) {
    const postgresPair =
      started?.postgresPair ?? (await startStrategyPair(fleet, 'postgres', false, options.postgresUrl));
    if (!postgresPair.shared) throw new Error('the propagation runs need a shared PostgreSQL database');
    const b = await fleet.startServer('postgres-mirror-b', postgresPair.shared, 'mirror');
    const admin = await signIn(postgresPair.mirror, fleet.adminPassword);
    if (parts.has('propagation')) {
      log(`propagation: ${options.propagationRevocations} revocations between two instances`);
      propagation = await measurePropagation(
        postgresPair.mirror,
        [b],
        admin.accessToken,
        options.propagationRevocations,
      );
    }
    if (live) {
      log(`socket cuts: ${options.socketCuts} revocations on A, each cutting a socket on B`);
      live.socketCuts = await measureSocketCuts(postgresPair.mirror, b, admin.accessToken, options.socketCuts);
    }
  }

  let bus;
  if (parts.has('bus')) {
    if (options.postgresUrl) bus = await measureBuses(fleet, options, options.postgresUrl, log);
    else log('DATABASE_URL is not set: the bus part skipped');
  }

  let statusList;
  if (parts.has('status-list')) statusList = await benchStatusLists(fleet, options, log);
  const auditSealing = parts.has('audit') ? await measureLoginSealing(fleet, options, log) : undefined;

  let verifier;
  if (parts.has('verifier')) verifier = await measureVerifier(fleet, options, log);

  const scale = started?.scale;
  const scaleKind = options.postgresUrl ? 'postgres' : 'embedded';
  const plainMirror = scaleKind === 'postgres' ? started?.postgresPair?.mirror : started?.embedded.mirror;
  return {
    date: new Date(),
    postgresVersion: options.postgresUrl ? await postgresVersion(options.postgresUrl) : undefined,
    settings: options,
    throughput,
    scale: scale && {
      database: scaleKind,
      revocations: scale.revocations,
      seedMs: scale.seedMs,
      mirrorLoadMs: scale.mirror.ready.startMs,
      heapMb: scale.mirror.ready.heapUsedBytes / MB,
      emptyHeapMb: (plainMirror?.ready.heapUsedBytes ?? Number.NaN) / MB,
    },
    propagation,
    live,
    bus,
    slowDelayMs: SLOW_DATABASE_DELAY_MS,
    context,
    introspection,
    statusList,
    auditSealing,
    verifier,
  };
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2), process.env);
  const fleet = new Fleet();
  let report: BenchReport;
  try {
    report = await run(options, fleet);
  } finally {
    await fleet.close();
  }
  const markdown = renderMarkdown(report);
  console.log(`\n${markdown}`);
  if (options.outDir !== undefined) {
    mkdirSync(options.outDir, { recursive: true });
    writeFileSync(join(options.outDir, 'results.md'), markdown);
    await writeThroughputChart(report.throughput, join(options.outDir, 'throughput.png'));
    log(`wrote ${join(options.outDir, 'results.md')} and throughput.png`);
  }
  const missed = evaluateTargets(report).filter((target) => target.met === false);
  if (missed.length > 0) log(`targets missed: ${missed.map((target) => target.goal).join('; ')}`);
}

main().catch((error: unknown) => {
  console.error('[bench] failed:', error);
  process.exit(1);
});
