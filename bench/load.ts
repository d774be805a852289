import autocannon from 'autocannon';

/** What to send: one GraphQL request, repeated, and the status every answer must have. */
export interface LoadTarget {
  url: string;
  token?: string;
  expectStatus: number;
  /** The GraphQL document sent; `PROBE_QUERY` when absent. */
  query?: string;
}

export interface LoadSample {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadSettings {
  connections: number;
  durationSeconds: number;
}

/** The operation every configuration answers: no resolver work, so the check is what differs. */
export const PROBE_QUERY = '{ __typename }';

/**
 * Drives one target for a fixed time. Any answer with another status, or any connection error,
 * fails the bench: a figure measured on the wrong path would be worse than none.
 */
export async function runLoad(target: LoadTarget, settings: LoadSettings): Promise<LoadSample> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.token !== undefined) headers.authorization = `Bearer ${target.token}`;
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    headers,
    body: JSON.stringify({ query: target.query ?? PROBE_QUERY }),
    connections: settings.connections,
    duration: settings.durationSeconds,
  });
  const total = result.requests.total;
  const expected = result.statusCodeStats?.[`${target.expectStatus}`]?.count ?? 0;
  if (result.errors > 0 || expected !== total || total === 0) {
    throw new Error(
      `load on ${target.url} expected ${total} answers with HTTP ${target.expectStatus}, got ` +
        `${JSON.stringify(result.statusCodeStats)} and ${result.errors} connection errors`,
    );
  }
  return {
    requests: total,
    requestsPerSecond: total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}
