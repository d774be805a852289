import { fixed, table, type Target } from './markdown';
import type { Lags, VerifierBenchResult, VerifierPropagation } from './verifier';

/** The issue's targets for the verifier (issue 31). */
export const VERIFIER_TARGETS = {
  propagationP99Ms: 100,
  knownVerifyMicros: 5,
  fetchCalls: 0,
  heapBytesPerRevocation: 80,
  firstSyncMs: 3000,
  lastStreamMs: 1000,
};

const ms = (value: number) => `${fixed(value, 1)} ms`;
const lags = ({ p50Ms, p99Ms, maxMs }: Lags) => `${ms(p50Ms)} / ${ms(p99Ms)} / ${ms(maxMs)}`;
const MB = 1024 * 1024;

function propagationRow(row: VerifierPropagation): string[] {
  return [
    `${row.database}, ${row.setting}`,
    String(row.processes),
    String(row.revocations),
    lags(row.slowest),
    lags(row.each),
    String(row.beforeAnswer),
    lags(row.slowestFromRequest),
  ];
}

export function verifierSection(result: VerifierBenchResult | undefined): string {
  const title = '## Other services: `@token-warden/verifier`';
  if (!result) return `${title}\n\nNot run in this bench (left out by \`--only\`).`;
  const { cost, holding, streams } = result;
  const embeddedOnly = result.propagation.every((row) => row.database === 'embedded');
  return `${title}

Each verifier is a process of its own running the package's \`createVerifier\` against the service over loopback (\`JWT_ALGORITHM=ES256\`, \`STATUS_LIST=off\`, a client of \`OAUTH_CLIENTS\`), checking the watched token with \`verify()\` every millisecond. Propagation is timed from the \`revokeToken\` answer reaching the bench to each process's first refusal (\`TOKEN_REVOKED\`), on the machine's monotonic clock.

${table(
  [
    'Propagation',
    'Verifier processes',
    'Revocations',
    'Slowest process p50 / p99 / max',
    'Each process p50 / p99 / max',
    'Refusals before the answer',
    'Slowest process from the request p50 / p99 / max',
  ],
  result.propagation.map(propagationRow),
)}${embeddedOnly ? '\n\nTwo instances on PostgreSQL: not run (needs `DATABASE_URL`).' : ''}

${table(
  ['Measure', 'Value'],
  [
    [
      `\`verify()\` of a known token (cache hit), mean / p50 / p99 (tinybench, ${cost.known.samples} calls)`,
      `${fixed(cost.known.meanMicros, 2)} / ${fixed(cost.known.p50Micros, 2)} / ${fixed(cost.known.p99Micros, 2)} µs`,
    ],
    [
      `\`verify()\` of a first-seen ES256 token (known kid), mean / p50 / p99 (${cost.fresh.samples} tokens)`,
      `${fixed(cost.fresh.meanMicros, 1)} / ${fixed(cost.fresh.p50Micros, 1)} / ${fixed(cost.fresh.p99Micros, 1)} µs`,
    ],
    [
      'fetch calls during those `verify()` calls, counted by the `fetch` option',
      `${cost.fetchCalls} in ${cost.verifies} calls (${fixed(cost.fetchCalls / cost.verifies, 4)} per call${cost.reconnects > 0 ? `; the stream reconnected ${cost.reconnects} times` : ''})`,
    ],
    [
      `A fresh verifier syncing ${holding.revocations} revocations (${holding.database}; jtis of 22 characters, as issued): heap after a full collection, per revocation`,
      `${fixed(holding.bytesPerRevocation, 1)} bytes (${fixed(holding.heapBytes / MB, 1)} MB for ${holding.heldJtis} jtis)`,
    ],
    [
      'Its first sync over loopback: `createVerifier` until the state is held and proven current (CPU time meanwhile: the verifier process; the service)',
      `${fixed(holding.syncMs / 1000, 2)} s (${fixed(holding.verifierCpuMs / 1000, 2)} s; ${fixed(holding.serviceCpuMs / 1000, 2)} s)`,
    ],
    [
      'The same for the verifier before it, the first the service served after its start',
      `${fixed(holding.coldServiceSyncMs / 1000, 2)} s`,
    ],
    [
      'Its bytes on the wire (`status().bytesReceived`)',
      `${fixed(holding.bytesReceived / MB, 1)} MB (${fixed(holding.bytesReceived / holding.revocations, 1)} bytes per revocation)`,
    ],
    [
      `One instance serving ${streams.streams} raw streams (${streams.processes} consumer processes): server heap per stream`,
      `${fixed(streams.heapPerStreamBytes / 1024, 1)} KB (${fixed(streams.heapBeforeBytes / MB, 1)} → ${fixed(streams.heapAfterBytes / MB, 1)} MB)`,
    ],
    [
      `A revocation on it to the last of the ${streams.streams} streams, p50 / p99 / max over ${streams.revocations}: from the answer; from the request`,
      `${lags(streams.lastFromAnswer)}; ${lags(streams.lastFromRequest)}`,
    ],
  ],
)}`;
}

export function verifierTargets(result: VerifierBenchResult | undefined): Target[] {
  if (!result) return [];
  const { cost, holding, streams } = result;
  const goals = VERIFIER_TARGETS;
  const targets: Target[] = result.propagation.map((row) => ({
    goal: `Verifier propagation p99 ≤ ${goals.propagationP99Ms} ms to the last of ${row.processes} processes (${row.database}, ${row.setting})`,
    measured: ms(row.slowest.p99Ms),
    met: row.slowest.p99Ms <= goals.propagationP99Ms,
  }));
  if (!result.propagation.some((row) => row.database === 'postgres')) {
    targets.push({
      goal: `Verifier propagation p99 ≤ ${goals.propagationP99Ms} ms (postgres, revoked on A, streamed from B)`,
      measured: 'not run (needs DATABASE_URL)',
      met: undefined,
    });
  }
  targets.push(
    {
      goal: `\`verify()\` of a known token ≤ ${goals.knownVerifyMicros} µs`,
      measured: `${fixed(cost.known.meanMicros, 2)} µs mean (p99 ${fixed(cost.known.p99Micros, 2)} µs)`,
      met: cost.known.meanMicros <= goals.knownVerifyMicros,
    },
    {
      goal: 'Network calls per `verify()` once synced: 0',
      measured: `${cost.fetchCalls} in ${cost.verifies}`,
      met: cost.fetchCalls === goals.fetchCalls,
    },
    {
      goal: `Verifier heap per revocation ≤ ${goals.heapBytesPerRevocation} bytes (${holding.revocations} held)`,
      measured: `${fixed(holding.bytesPerRevocation, 1)} bytes`,
      met: holding.bytesPerRevocation <= goals.heapBytesPerRevocation,
    },
    {
      goal: `Verifier first sync of ${holding.revocations} revocations over loopback ≤ ${goals.firstSyncMs / 1000} s`,
      measured: `${fixed(holding.syncMs / 1000, 2)} s`,
      met: holding.syncMs <= goals.firstSyncMs,
    },
    {
      goal: `A revocation reaches the last of ${streams.streams} streams on one instance ≤ ${goals.lastStreamMs / 1000} s`,
      measured: `${ms(streams.lastFromRequest.maxMs)} at most, from the request`,
      met: streams.lastFromRequest.maxMs <= goals.lastStreamMs,
    },
  );
  return targets;
}
