// `npm run bench`: what the revocation check costs, measured side by side in one run.
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { writeThroughputChart } from './chart';
import { benchContextBuilder } from './context-builder.bench';
import { benchIntrospection } from './introspection.bench';
import { Fleet } from './fleet';
import { readOptions, type BenchOptions } from './options';
import { measurePropagation } from './propagation';
import { contextTable, evaluateTargets, introspectionTable, renderMarkdown, type BenchReport } from './report';
import { inRunOrder, startScalePair, startSlowPair, startStrategyPair, type StrategyPair } from './setup';
import { measureThroughput, type Configuration } from './throughput';
import { measureFanOut, measureSocketCuts, openIdleSockets } from './sockets';
import { signIn } from './tokens';

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

async function run(options: BenchOptions, fleet: Fleet): Promise<BenchReport> {
  log('context builder alone');
  const context = await benchContextBuilder(options.contextBenchMs);

  log('starting servers on the embedded database');
  const pairs: StrategyPair[] = [await startStrategyPair(fleet, 'embedded', !options.postgresUrl)];
  if (options.postgresUrl) {
    log('starting servers on PostgreSQL');
    pairs.push(await startStrategyPair(fleet, 'postgres', true, options.postgresUrl));
  } else {
    log('DATABASE_URL is not set: PostgreSQL, slow-database and propagation runs skipped');
  }
  const configurations: Configuration[] = pairs.flatMap((pair) => pair.configurations);

  const scaleKind = options.postgresUrl ? 'postgres' : 'embedded';
  log(`seeding ${options.scaleRevocations} revocations (${scaleKind})`);
  const scale = await startScalePair(fleet, scaleKind, options.scaleRevocations, options.postgresUrl);
  configurations.push(...scale.configurations);

  const postgresPair = pairs.find((pair) => pair.kind === 'postgres');
  if (postgresPair?.shared) {
    log(`starting servers behind a proxy adding ${SLOW_DATABASE_DELAY_MS} ms each way`);
    configurations.push(...(await startSlowPair(fleet, postgresPair.shared, SLOW_DATABASE_DELAY_MS)));
  }

  log(`opening ${options.idleSockets} idle authenticated WebSockets on a server of their own`);
  const socketsServer = await fleet.startServer('embedded-mirror-idle-sockets', fleet.embeddedDatabase(), 'mirror');
  const idle = await openIdleSockets(socketsServer, options.idleSockets);
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

  log(`${configurations.length} configurations × ${options.rounds} rounds × ${options.durationSeconds} s`);
  const throughput = await measureThroughput(
    inRunOrder(configurations),
    { ...options, durationSeconds: options.durationSeconds },
    log,
  );

  idle.close();

  const embeddedMirror = pairs.find((pair) => pair.kind === 'embedded')?.mirror ?? socketsServer;
  log(`fan-out: logoutAll of one user with ${options.fanOutSockets} open sockets`);
  const fanOut = await measureFanOut(embeddedMirror, options.fanOutSockets);

  log('introspection against me, on the mirror');
  const introspection = await benchIntrospection(options.connections, options.durationSeconds * 2);

  let propagation;
  let socketCuts;
  if (postgresPair?.shared) {
    log(`propagation: ${options.propagationRevocations} revocations between two instances`);
    const b = await fleet.startServer('postgres-mirror-b', postgresPair.shared, 'mirror');
    const admin = await signIn(postgresPair.mirror, fleet.adminPassword);
    propagation = await measurePropagation(postgresPair.mirror, b, admin.accessToken, options.propagationRevocations);
    log(`socket cuts: ${options.socketCuts} revocations on A, each cutting a socket on B`);
    socketCuts = await measureSocketCuts(postgresPair.mirror, b, admin.accessToken, options.socketCuts);
  }

  const plainMirror = pairs.find((pair) => pair.kind === scaleKind)?.mirror;
  return {
    date: new Date(),
    postgresVersion: options.postgresUrl ? await postgresVersion(options.postgresUrl) : undefined,
    settings: options,
    throughput,
    scale: {
      database: scaleKind,
      revocations: scale.revocations,
      seedMs: scale.seedMs,
      mirrorLoadMs: scale.mirror.ready.startMs,
      heapMb: scale.mirror.ready.heapUsedBytes / MB,
      emptyHeapMb: (plainMirror?.ready.heapUsedBytes ?? Number.NaN) / MB,
    },
    propagation,
    live: { idle: idle.result, fanOut, socketCuts },
    slowDelayMs: SLOW_DATABASE_DELAY_MS,
    context,
    introspection,
  };
}

/** `--only`: the chosen parts, printed; results.md and the chart stay as the last full run left them. */
async function runOnly(options: BenchOptions, parts: NonNullable<BenchOptions['only']>): Promise<void> {
  if (parts.has('context')) {
    log('context builder alone');
    console.log(`\n${contextTable(await benchContextBuilder(options.contextBenchMs))}\n`);
  }
  if (parts.has('introspection')) {
    log('introspection against me, on the mirror');
    console.log(
      `\n${introspectionTable(await benchIntrospection(options.connections, options.durationSeconds * 2))}\n`,
    );
  }
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2), process.env);
  if (options.only) {
    await runOnly(options, options.only);
    return;
  }
  const fleet = new Fleet();
  let report: BenchReport;
  try {
    report = await run(options, fleet);
  } finally {
    await fleet.close();
  }
  const markdown = renderMarkdown(report);
  console.log(`\n${markdown}`);
  mkdirSync(options.outDir, { recursive: true });
  writeFileSync(join(options.outDir, 'results.md'), markdown);
  await writeThroughputChart(report.throughput, join(options.outDir, 'throughput.png'));
  log(`wrote ${join(options.outDir, 'results.md')} and throughput.png`);
  const missed = evaluateTargets(report).filter((target) => target.met === false);
  if (missed.length > 0) log(`targets missed: ${missed.map((target) => target.goal).join('; ')}`);
}

main().catch((error: unknown) => {
  console.error('[bench] failed:', error);
  process.exit(1);
});
