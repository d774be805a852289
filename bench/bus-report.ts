import type { BusReport, BusRow } from './bus';
import { fixed, table, type Target } from './markdown';

const ms = (value: number) => `${fixed(value, 1)} ms`;

function propagationRow(row: BusRow): string[] {
  const cells = [row.label, String(row.instances)];
  if (!row.result) return [...cells, '–', row.notRun ?? 'not run', '–', '–', '–', '–'];
  const { result } = row;
  return [
    ...cells,
    row.mode,
    String(result.revocations),
    ...[result.p50Ms, result.p95Ms, result.p99Ms, result.maxMs].map(ms),
  ];
}

function throughputLine(bus: BusReport): string {
  const { throughput: after, throughputBefore: before } = bus;
  const measured = `${after.clients} clients, each sending \`revokeToken(input: { jti })\` with a fresh jti to one instance on direct PostgreSQL, for ${after.durationSeconds} s: **${fixed(after.revocationsPerSecond)} revocations/s** (p50 ${after.p50Ms} ms, p99 ${after.p99Ms} ms)`;
  const compared =
    before === undefined
      ? 'no figure from before the revocation log was given to this run (`--revocations-before`)'
      : `before the revocation log (500f0f8), the same load measured ${fixed(before)} revocations/s (${fixed(after.revocationsPerSecond / before, 2)} ×)`;
  return `Revocations per second: ${measured}; ${compared}.`;
}

export function busSection(bus: BusReport | undefined): string {
  if (!bus) return '## Revocation bus\n\nNot run: it needs `DATABASE_URL` and the bus part.';
  const { catchUp } = bus;
  return `## Revocation bus

Propagation: revocations on the first instance, each timed from its answer until every other instance refuses the token (each instance a process of its own, all on one PostgreSQL server; PgBouncer in transaction mode where named; \`REVOCATION_POLL_MS=${bus.pollMs}\`). Mode is what every instance reported before and after its run. In poll mode each revocation follows a random pause up to \`REVOCATION_POLL_MS\`, so that revocations do not fall in step with the polls.

${table(['Bus and connection', 'Instances', 'Mode', 'Revocations', 'p50', 'p95', 'p99', 'max'], bus.rows.map(propagationRow))}

${throughputLine(bus)}

Catch-up: an instance ${catchUp.missed} log versions behind read and applied them in **${ms(catchUp.catchUpMs)}**, from the read that found the head to the last one applied (${Math.ceil(catchUp.missed / catchUp.pageSize)} reads of ${catchUp.pageSize}); a full reload of ${catchUp.reloadRevocations} active revocations (\`loadSnapshot\`) took **${fixed(catchUp.reloadMs / 1000, 2)} s**.`;
}

/** One target per propagation row, and the throughput against the figure from before the log. */
export function busTargets(bus: BusReport | undefined): Target[] {
  if (!bus) return [];
  const targets: Target[] = bus.rows.map((row) => ({
    goal:
      `Propagation p99 ≤ ${row.targetMs} ms${row.mode === 'poll' ? ' (2 × REVOCATION_POLL_MS)' : ''}: ` +
      `${row.label}, ${row.instances} instances`,
    measured: row.result ? ms(row.result.p99Ms) : (row.notRun ?? 'not run'),
    // A row whose instances failed to start measured nothing, and its target is not met.
    met: row.result ? row.result.p99Ms <= row.targetMs : row.notRun?.startsWith('failed') ? false : undefined,
  }));
  const { throughput, throughputBefore } = bus;
  targets.push({
    goal: `Revocations/s from ${throughput.clients} clients not lower than before the revocation log`,
    measured:
      throughputBefore === undefined
        ? `${fixed(throughput.revocationsPerSecond)}/s; no figure from before given`
        : `${fixed(throughput.revocationsPerSecond)}/s against ${fixed(throughputBefore)}/s`,
    met: throughputBefore === undefined ? undefined : throughput.revocationsPerSecond >= throughputBefore,
  });
  return targets;
}
