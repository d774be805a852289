import { cpus, release, totalmem, type } from 'node:os';
import type { BareSocketsResult } from './bare-sockets';
import { busSection, busTargets } from './bus-report';
import type { BusReport } from './bus';
import type { ContextCase } from './context-builder.bench';
import type { IntrospectionResult } from './introspection.bench';
import type { LoginSealingResult } from './login-sealing';
import type { PropagationResult } from './propagation';
import type { FanOutResult, IdleSocketsResult, SocketCutResult } from './sockets';
import type { StatusListBenchResult } from './status-list';
import type { IssuingResult } from './status-list-issuing';
import type { VerifierBenchResult } from './verifier';
import { verifierSection, verifierTargets } from './verifier-report';
import { fixed, table, type Target } from './markdown';
import { FRAMEWORK_ID } from './overhead';
import { pairedRatio, type ConfigurationResult } from './throughput';

export interface ScaleReport {
  database: string;
  revocations: number;
  seedMs: number;
  mirrorLoadMs: number;
  heapMb: number;
  /** The same figure for a mirror with an (almost) empty blacklist. */
  emptyHeapMb: number;
}

export interface BenchReport {
  date: Date;
  postgresVersion: string | undefined;
  settings: { durationSeconds: number; rounds: number; connections: number; warmUp: boolean };
  throughput: ConfigurationResult[];
  /** Each part is absent when `--only` left it out. */
  scale: ScaleReport | undefined;
  propagation: PropagationResult | undefined;
  live:
    | {
        idle: IdleSocketsResult;
        fanOut: FanOutResult;
        bareSockets: BareSocketsResult;
        socketCuts: SocketCutResult | undefined;
      }
    | undefined;
  bus: BusReport | undefined;
  slowDelayMs: number;
  context: ContextCase[] | undefined;
  introspection: IntrospectionResult | undefined;
  statusList: StatusListBenchResult | undefined;
  auditSealing: LoginSealingResult[] | undefined;
  verifier: VerifierBenchResult | undefined;
}

/** Server CPU per pair without status lists over with them: read as the throughput ratio is. */
const issuingCpuRatio = (issuing: IssuingResult): number => issuing.cpuMicrosOff / issuing.cpuMicrosOn;

function statusListSection(result: StatusListBenchResult | undefined): string {
  const title = '## Token Status Lists';
  if (!result) return `${title}\n\n${NOT_RUN}`;
  const { propagation, issuing } = result;
  return `${title}

${table(
  ['Measure', 'Value'],
  [
    [`\`lst\` of ${result.entries} entries, ${result.revoked} revoked (1 %)`, `${result.lstBytes} characters`],
    ['Compressing it (zlib level 9), once per change window (median of 9)', `${fixed(result.encodeMs, 1)} ms`],
    [
      'First GET: every token read with its facts, the rule applied, compressed, signed',
      `${fixed(result.coldBuildMs)} ms`,
    ],
    [
      `GET of the built list, p50 / p99 (${result.gets} in a row)`,
      `${fixed(result.getP50Ms, 2)} / ${fixed(result.getP99Ms, 2)} ms`,
    ],
    [
      `login + refreshToken pairs/s, status lists on / off, and the median of each round's ratio (${issuing.rounds} alternating rounds on ${issuing.processPairs} fresh pairs of server processes)`,
      `${fixed(issuing.issuingOn)} / ${fixed(issuing.issuingOff)}: ${fixed(issuing.issuingRatio, 3)} ×`,
    ],
    ["The same, each process pair's own median ratio", issuing.pairRatios.map((r) => `${fixed(r, 3)} ×`).join(', ')],
    [
      'Server CPU per pair, on / off (the embedded database included)',
      `${fixed(issuing.cpuMicrosOn)} / ${fixed(issuing.cpuMicrosOff)} µs: ${fixed(issuingCpuRatio(issuing), 3)} ×`,
    ],
    [
      propagation
        ? `revokeToken answered on A → bit in a GET on B, p50 / p99 / max (${propagation.revocations}, PostgreSQL)`
        : 'revokeToken answered on A → bit in a GET on B',
      propagation
        ? `${fixed(propagation.p50Ms, 1)} / ${fixed(propagation.p99Ms, 1)} / ${fixed(propagation.maxMs, 1)} ms`
        : 'not run (needs DATABASE_URL)',
    ],
  ],
)}`;
}

function auditSealingSection(results: LoginSealingResult[] | undefined): string {
  if (!results) return `## Login with the audit chain sealed\n\n${NOT_RUN}`;
  return `## Login with the audit chain sealed

Each \`login\` writes one audit event; the sealer chains committed events once a second in the
background. One server per database takes the same login load (scrypt at N=1024, so that a login
is mostly its database work) with its sealer running and stopped, alternating within each round
and in reverse order from one round to the next. Logins/s is the median round; the ratio compares the two within each round (median over
the rounds); server CPU per login counts the embedded database, which runs inside the server.

${table(
  [
    'Database',
    'Logins/s sealed',
    'Logins/s not sealed',
    'Sealed ÷ not sealed',
    'Server CPU µs/login sealed / not',
    'Logins each',
  ],
  results.map((result) => [
    result.database,
    fixed(result.sealedPerSecond, 1),
    fixed(result.unsealedPerSecond, 1),
    `${fixed(result.ratio, 3)} ×`,
    `${fixed(result.sealedCpuMicros)} / ${fixed(result.unsealedCpuMicros)}`,
    `${result.logins} in ${result.rounds} rounds`,
  ]),
)}`;
}

function auditSealingTargets(results: LoginSealingResult[] | undefined): Target[] {
  if (!results)
    return [{ goal: 'Login throughput with audit sealing ≥ 0.95 × without', measured: '–', met: undefined }];
  return results.map((result) => ({
    goal: `Login throughput with audit sealing ≥ 0.95 × without (${result.database})`,
    measured: `${fixed(result.ratio, 3)} × (${fixed(result.sealedPerSecond, 1)} against ${fixed(result.unsealedPerSecond, 1)} logins/s)`,
    met: result.ratio >= 0.95,
  }));
}

function introspectionSection(result: IntrospectionResult | undefined): string {
  if (!result) return `## Introspection against \`me\`, on the mirror\n\n${NOT_RUN}`;
  return `## Introspection against \`me\`, on the mirror

${table(
  [`Request (one valid token, ${result.connections} connections, ${result.durationSeconds} s)`, 'req/s'],
  [
    ['GraphQL `{ me { id } }`', fixed(result.meRequestsPerSecond)],
    ['POST /oauth/introspect (Basic client, form)', fixed(result.introspectionRequestsPerSecond)],
  ],
)}`;
}

export type { Target } from './markdown';

/** A ratio cell; a dash when its reference did not run (left out by `--only`). */
const times = (value: number) => (Number.isNaN(value) ? '–' : `${fixed(value, 2)} ×`);
const signedPercent = (change: number) => `${change >= 0 ? '+' : ''}${fixed(change * 100, 1)} %`;

function find(report: BenchReport, id: string): ConfigurationResult | undefined {
  return report.throughput.find((result) => result.configuration.id === id);
}

function ratio(report: BenchReport, result: ConfigurationResult): number {
  const baseline = find(report, result.configuration.baselineId);
  return baseline ? pairedRatio(result, baseline) : Number.NaN;
}

/** Throughput the server's own CPU time allows, relative to the baseline's: baseline µs / this µs. */
function cpuRatio(report: BenchReport, result: ConfigurationResult): number {
  const baseline = find(report, result.configuration.baselineId);
  return baseline ? baseline.cpuMicrosPerRequest / result.cpuMicrosPerRequest : Number.NaN;
}

function frameworkRatio(report: BenchReport, result: ConfigurationResult): number {
  const bare = find(report, FRAMEWORK_ID);
  return bare ? pairedRatio(result, bare) : Number.NaN;
}

function frameworkCpuRatio(report: BenchReport, result: ConfigurationResult): number {
  const bare = find(report, FRAMEWORK_ID);
  return bare ? bare.cpuMicrosPerRequest / result.cpuMicrosPerRequest : Number.NaN;
}

/** The service with every production feature on, against Apollo Server alone. */
function overheadTargets(report: BenchReport): Target[] {
  const targets: Target[] = [];
  const cases: [string, string, number][] = [
    ['embedded/baseline', 'No token', 0.9],
    ['embedded/mirror', 'Valid token on the mirror', 0.85],
  ];
  for (const [id, name, floor] of cases) {
    const result = find(report, id);
    if (!result || !find(report, FRAMEWORK_ID)) continue;
    const r = frameworkRatio(report, result);
    targets.push({
      goal: `${name} ≥ ${fixed(floor, 2)} × a bare Apollo Server`,
      measured: `${fixed(r, 2)} × (by server CPU per request: ${fixed(frameworkCpuRatio(report, result), 2)} ×)`,
      met: r >= floor,
    });
  }
  return targets;
}

function statusListTargets(result: StatusListBenchResult | undefined): Target[] {
  if (!result) return [];
  const { issuing, propagation } = result;
  return [
    {
      goal: 'login + refreshToken throughput with status lists ≥ 0.95 × without',
      measured: `${fixed(issuing.issuingRatio, 3)} × (by server CPU per pair: ${fixed(issuingCpuRatio(issuing), 3)} ×)`,
      met: issuing.issuingRatio >= 0.95,
    },
    {
      goal: 'Revocation on A → bit in a status list GET on B, p99 ≤ 100 ms',
      measured: propagation ? `${fixed(propagation.p99Ms, 1)} ms` : 'not run (needs DATABASE_URL)',
      met: propagation ? propagation.p99Ms <= 100 : undefined,
    },
  ];
}

/** The targets of the benchmark issues, each with what this run measured. */
export function evaluateTargets(report: BenchReport): Target[] {
  const targets: Target[] = overheadTargets(report);
  for (const database of ['embedded', 'postgres']) {
    const mirror = find(report, `${database}/mirror`);
    if (!mirror) continue;
    const r = ratio(report, mirror);
    targets.push({
      goal: `Mirror ≥ 0.90 × baseline throughput (${database})`,
      measured: `${fixed(r, 2)} × (by server CPU per request: ${fixed(cpuRatio(report, mirror), 2)} ×)`,
      met: r >= 0.9,
    });
    targets.push({
      goal: `Zero database statements per authenticated request on the mirror (${database})`,
      measured:
        `${mirror.requestStatementsPerRequest.toFixed(4)} per request beyond the reconcile, the key poll, the audit sealer and the mail poll ` +
        `(${mirror.statementsPerRequest.toFixed(4)} with them)`,
      // Not a timing: a request on the mirror that sends a statement is a defect, however rare.
      met: mirror.requestStatementsPerRequest === 0,
    });
  }
  const fast = find(report, 'postgres/mirror');
  const slow = find(report, 'postgres/mirror-slow-db');
  const slowDatabase = find(report, 'postgres/database-slow-db');
  if (fast && slow && slowDatabase) {
    const change = slow.p99Ms / fast.p99Ms - 1;
    targets.push({
      goal: `Mirror p99 within 10 % of its fast-database figure with the database ${report.slowDelayMs} ms away`,
      measured: `${slow.p99Ms} ms vs ${fast.p99Ms} ms (${change >= 0 ? '+' : ''}${fixed(change * 100)} %); database strategy: ${slowDatabase.p99Ms} ms`,
      met: change <= 0.1,
    });
  }
  const scaleDatabase = report.scale?.database;
  const plain = find(report, `${scaleDatabase}/mirror`);
  const scaled = find(report, `${scaleDatabase}/mirror-scale`);
  if (report.scale && plain && scaled) {
    const change = pairedRatio(scaled, plain) - 1;
    const cpuChange = plain.cpuMicrosPerRequest / scaled.cpuMicrosPerRequest - 1;
    targets.push({
      goal: `${report.scale.revocations} revocations change mirror throughput by < 5 % (${scaleDatabase})`,
      measured: `${signedPercent(change)} (by server CPU per request: ${signedPercent(cpuChange)})`,
      met: Math.abs(change) < 0.05,
    });
  }
  targets.push(...liveTargets(report));
  targets.push({
    goal: 'Propagation p99 ≤ 100 ms',
    measured: report.propagation ? `${fixed(report.propagation.p99Ms, 1)} ms` : 'not run (needs DATABASE_URL)',
    met: report.propagation ? report.propagation.p99Ms <= 100 : undefined,
  });
  targets.push(...busTargets(report.bus));
  targets.push(...statusListTargets(report.statusList));
  targets.push(...auditSealingTargets(report.auditSealing));
  targets.push(...verifierTargets(report.verifier));
  return targets;
}

/** The configurations the idle-socket target compares: with the sockets open, and the same server kind without. */
function idleSocketPair(report: BenchReport) {
  return {
    idleSockets: find(report, 'embedded/mirror-idle-sockets'),
    withoutSockets: find(report, 'embedded/mirror'),
  };
}

const bareSocketsRatio = (control: BareSocketsResult) => pairedRatio(control.withSockets, control.withoutSockets);

/** Server CPU per request without and with the sockets, and what the sockets added. */
function cpuChange(without: ConfigurationResult, withSockets: ConfigurationResult): string {
  const added = withSockets.cpuMicrosPerRequest - without.cpuMicrosPerRequest;
  return `${fixed(without.cpuMicrosPerRequest)} → ${fixed(withSockets.cpuMicrosPerRequest)} µs (${added >= 0 ? '+' : ''}${fixed(added)} µs, ${signedPercent(added / without.cpuMicrosPerRequest)})`;
}

function liveTargets(report: BenchReport): Target[] {
  const { idleSockets, withoutSockets } = idleSocketPair(report);
  const { live } = report;
  if (!live) return [];
  return [
    {
      goal: `HTTP throughput with ${live.idle.sockets} idle sockets open ≥ 0.9 × without (embedded, valid token)`,
      measured:
        idleSockets && withoutSockets
          ? `${fixed(pairedRatio(idleSockets, withoutSockets), 2)} × (bare Apollo Server + graphql-ws: ${fixed(bareSocketsRatio(live.bareSockets), 2)} ×)`
          : 'not run',
      met: idleSockets && withoutSockets ? pairedRatio(idleSockets, withoutSockets) >= 0.9 : undefined,
    },
    {
      goal: '≤ 20 KB of server heap per idle socket',
      measured: `${fixed(live.idle.heapPerSocketBytes / 1024, 1)} KB`,
      met: live.idle.heapPerSocketBytes <= 20 * 1024,
    },
    {
      goal: `Fan-out of ${live.fanOut.sockets} sockets ≤ 1 s (target set for 1000)`,
      measured: `${fixed(live.fanOut.lastCloseMs)} ms`,
      met: live.fanOut.lastCloseMs <= 1000,
    },
    {
      goal: 'Socket cut between instances p99 ≤ 100 ms',
      measured: live.socketCuts ? `${fixed(live.socketCuts.p99Ms, 1)} ms` : 'not run (needs DATABASE_URL)',
      met: live.socketCuts ? live.socketCuts.p99Ms <= 100 : undefined,
    },
  ];
}

export function machineDescription(): string {
  const [cpu] = cpus();
  return (
    `${cpus().length} × ${cpu?.model.trim() ?? 'unknown CPU'}, ${fixed(totalmem() / 2 ** 30)} GiB RAM, ` +
    `${type()} ${release()}, Node ${process.version}`
  );
}

const NOT_RUN = 'Not run in this bench (left out by `--only`).';

function scaleSection(scale: ScaleReport | undefined): string {
  if (!scale) return `## Scale\n\n${NOT_RUN}`;
  return `## Scale: ${scale.revocations} active revocations (${scale.database})

${table(
  ['Seeded in', 'Mirror loaded in', 'Heap at ready', 'Heap with an empty blacklist'],
  [
    [
      `${fixed(scale.seedMs / 1000, 1)} s`,
      `${fixed(scale.mirrorLoadMs / 1000, 2)} s`,
      `${fixed(scale.heapMb)} MB`,
      `${fixed(scale.emptyHeapMb)} MB`,
    ],
  ],
)}`;
}

function propagationSection(propagation: PropagationResult | undefined): string {
  return `## Propagation between two instances

${
  propagation
    ? `${propagation.revocations} revocations on instance A, each timed from A's answer to the first request instance B refuses (both separate processes on one PostgreSQL):\n\n${table(
        ['p50', 'p95', 'p99', 'max'],
        [
          [propagation.p50Ms, propagation.p95Ms, propagation.p99Ms, propagation.maxMs].map(
            (ms) => `${fixed(ms, 1)} ms`,
          ),
        ],
      )}`
    : 'Not run: it needs `DATABASE_URL` (two instances share a PostgreSQL server) and the propagation part.'
}`;
}

function liveSection(report: BenchReport): string {
  const { live } = report;
  if (!live) return `## Live sockets\n\n${NOT_RUN}`;
  const { idleSockets, withoutSockets } = idleSocketPair(report);
  const control = live.bareSockets;
  return `## Live sockets

- ${live.idle.sockets} idle authenticated WebSockets on one instance: ${fixed(live.idle.heapPerSocketBytes / 1024, 1)} KB of server heap each (after a full collection, before and after opening them); their throughput row is above${
    idleSockets && withoutSockets ? `, server CPU per request ${cpuChange(withoutSockets, idleSockets)}` : ''
  }.
- Control, in rounds of its own: the same ${control.idle.sockets} sockets on a bare Apollo Server with graphql-ws's own server (accepted unchecked, pinged at the service's default interval): ${fixed(control.idle.heapPerSocketBytes / 1024, 1)} KB of heap each; throughput ${fixed(bareSocketsRatio(control), 2)} × the same bare server without sockets (${fixed(control.withoutSockets.requestsPerSecond)} → ${fixed(control.withSockets.requestsPerSecond)} req/s), server CPU per request ${cpuChange(control.withoutSockets, control.withSockets)}.
- Fan-out: one \`logoutAll\` of a user with ${live.fanOut.sockets} open sockets closed the last of them with 4403 ${fixed(live.fanOut.lastCloseMs)} ms after it was sent.
- ${
    live.socketCuts
      ? `Socket cut between two instances on PostgreSQL, over ${live.socketCuts.revocations} revocations on A, each timed from A's answer to the 4403 of a socket on B: p50 ${fixed(live.socketCuts.p50Ms, 1)} ms, p99 ${fixed(live.socketCuts.p99Ms, 1)} ms, max ${fixed(live.socketCuts.maxMs, 1)} ms.`
      : 'Socket cut between two instances: not run (needs `DATABASE_URL`).'
  }`;
}

function contextSection(context: ContextCase[] | undefined): string {
  if (!context) return `## Context builder alone (no HTTP)\n\n${NOT_RUN}`;
  return `## Context builder alone (no HTTP)

${table(
  ['Case', 'ops/s', 'mean µs', 'p99 µs'],
  context.map((row) => [row.name, fixed(row.opsPerSecond), fixed(row.meanMicros, 1), fixed(row.p99Micros, 1)]),
)}`;
}

/** Every round's figure beside the median, so the spread on this shared machine can be read. */
function spread(result: ConfigurationResult): string {
  const values = result.rounds.map((run) => run.requestsPerSecond);
  return `${fixed(Math.min(...values))}–${fixed(Math.max(...values))}`;
}

export function renderMarkdown(report: BenchReport): string {
  const { settings } = report;
  const throughputRows = report.throughput.map((result) => [
    result.configuration.label,
    result.configuration.database,
    fixed(result.requestsPerSecond),
    spread(result),
    times(ratio(report, result)),
    times(frameworkRatio(report, result)),
    fixed(result.p50Ms, 1),
    fixed(result.p99Ms, 1),
    fixed(result.cpuMicrosPerRequest),
    `${fixed(result.minorGcMicrosPerRequest, 1)} / ${fixed(result.majorGcMicrosPerRequest, 1)}`,
    result.configuration.authenticated ? result.statementsPerRequest.toFixed(4) : '–',
  ]);
  const targets = evaluateTargets(report).map((target) => [
    target.goal,
    target.measured,
    target.met === undefined ? 'not run' : target.met ? 'met' : 'missed',
  ]);
  return `# Revocation check benchmark

Measured ${report.date.toISOString().slice(0, 10)} by \`npm run bench\` on ${machineDescription()}${
    report.postgresVersion
      ? `; ${report.postgresVersion.split(' on ')[0] ?? report.postgresVersion} on the same machine`
      : ''
  }.

Every configuration answers the same request, \`POST /graphql {"query":"{ __typename }"}\` (the \`me\`
row sends its own query), from ${settings.connections} connections over loopback (autocannon).
Configurations alternate: ${settings.warmUp ? 'after one unrecorded warm-up round, ' : ''}${settings.rounds} round${
    settings.rounds === 1 ? '' : 's'
  } of ${settings.durationSeconds} s each, in order in even rounds and in reverse in odd ones, so drift on the
shared machine hits every configuration alike. Requests/s and latencies are the median round, with
the lowest and highest round beside them; a ratio compares a configuration with the baseline on the
same database, or with the bare Apollo Server, round by round (the median of those per-round ratios).
The bare Apollo Server is Apollo Server 5 on Express 5 serving the committed \`schema.graphql\` with
no plugins, no logging and no context; every other server runs with production settings: JSON
request log at \`info\`, metrics, limits and CORS.
Server CPU per request is the CPU time the server process used while under load, divided by the
requests it served: steadier than throughput here, since time other processes take from the
machine is not counted. GC pause per request is the time the server's main thread stood still
for the collector under load, young-generation and full collections apart (the collector's helper
threads count in CPU, not here). Statements per request counts every statement the server sent to its
database while under load, divided by the same requests (the mirror's once-a-second reconcile and
the key ring's poll included); the zero-statements target counts them apart.

## Throughput and latency

${table(
  [
    'Configuration',
    'Database',
    'Requests/s',
    'Rounds (min–max)',
    '× baseline',
    '× bare Apollo',
    'p50 ms',
    'p99 ms',
    'Server CPU µs/request',
    'GC pause µs/request (young / full)',
    'Statements/request',
  ],
  throughputRows,
)}

![Throughput per configuration](throughput.png)

${scaleSection(report.scale)}

${propagationSection(report.propagation)}

${busSection(report.bus)}

${liveSection(report)}

${contextSection(report.context)}

${introspectionSection(report.introspection)}

${statusListSection(report.statusList)}
${auditSealingSection(report.auditSealing)}

${verifierSection(report.verifier)}

## Targets

${table(['Target', 'Measured', ''], targets)}
`;
}
