import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { REVOKE_TOKEN } from '../test/support/operations';

export interface RevocationThroughput {
  clients: number;
  durationSeconds: number;
  revocations: number;
  revocationsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Unrecorded revocations first, so that the measured run starts on a warm server and pool. */
const LEAD_IN_SECONDS = 1;

async function revokeFor(url: string, adminToken: string, clients: number, seconds: number) {
  let refused = 0;
  let firstRefusal: string | undefined;
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    connections: clients,
    duration: seconds,
    requests: [
      {
        // A jti of its own for every request: a jti revoked already is answered without a write.
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ query: REVOKE_TOKEN, variables: { input: { jti: randomUUID() } } }),
        }),
        onResponse: (status, body) => {
          if (status === 200 && !body.includes('"errors"')) return;
          refused += 1;
          firstRefusal ??= `HTTP ${status}: ${body.slice(0, 300)}`;
        },
      },
    ],
  });
  const total = result.requests.total;
  if (result.errors > 0 || refused > 0 || total === 0) {
    throw new Error(
      `revocations on ${url}: ${refused} of ${total} refused (first: ${firstRefusal ?? 'none'}), ` +
        `${result.errors} connection errors`,
    );
  }
  return result;
}

/**
 * `clients` concurrent administrators revoking access tokens by jti (`revokeToken(input: { jti })`)
 * on the server at `url` for `seconds`: every request is one revoking transaction. Any refused
 * revocation fails the run. The server is named by its URL alone, so that a build of another
 * commit can be measured by the same load.
 */
export async function measureRevocationThroughput(
  url: string,
  adminToken: string,
  clients: number,
  seconds: number,
  warmUp = true,
): Promise<RevocationThroughput> {
  if (warmUp) await revokeFor(url, adminToken, clients, LEAD_IN_SECONDS);
  const result = await revokeFor(url, adminToken, clients, seconds);
  return {
    clients,
    durationSeconds: seconds,
    revocations: result.requests.total,
    revocationsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}
