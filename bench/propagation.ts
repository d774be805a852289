import { errorCode, postGraphQL } from '../test/support/graphql-client';
import { claimsOf, mintAccessTokens } from '../test/support/instances';
import { REGISTER, REVOKE_TOKEN, type AuthPayloadData } from '../test/support/operations';
import { uniqueEmail, USER_PASSWORD } from '../test/support/test-server';
import { percentile } from '../test/support/wait';
import { PROBE_QUERY } from './load';
import type { ServerChild } from './server-child';

export interface PropagationResult {
  revocations: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

const GIVE_UP_MS = 5000;

async function probe(server: ServerChild, token: string): Promise<string | undefined> {
  return errorCode(await postGraphQL(server.url, PROBE_QUERY, {}, { token }));
}

/**
 * Revokes tokens one by one on `a` and times, from the moment `a` answered, how long until `b`
 * first refuses the token: what a client of another instance sees.
 */
export async function measurePropagation(
  a: ServerChild,
  b: ServerChild,
  adminToken: string,
  count: number,
): Promise<PropagationResult> {
  const registered = await postGraphQL<{ register: AuthPayloadData }>(a.url, REGISTER, {
    email: uniqueEmail('bench'),
    password: USER_PASSWORD,
  });
  if (!registered.data?.register) throw new Error(`bench registration failed: ${registered.text}`);
  const tokens = await mintAccessTokens(a.url, registered.data.register, count);
  for (const token of tokens) {
    const code = await probe(b, token);
    if (code !== undefined) throw new Error(`instance B refused a live token before its revocation: ${code}`);
  }

  const lagsMs: number[] = [];
  for (const token of tokens) {
    const revoked = await postGraphQL(
      a.url,
      REVOKE_TOKEN,
      { input: { jti: claimsOf(token).jti } },
      { token: adminToken },
    );
    if (revoked.errors) throw new Error(`revocation on A failed: ${revoked.text}`);
    const answeredAt = performance.now();
    for (;;) {
      const code = await probe(b, token);
      const elapsed = performance.now() - answeredAt;
      if (code === 'TOKEN_REVOKED') {
        lagsMs.push(elapsed);
        break;
      }
      if (code !== undefined) throw new Error(`instance B answered ${code} instead of TOKEN_REVOKED`);
      if (elapsed > GIVE_UP_MS) throw new Error(`instance B still accepted a revoked token after ${GIVE_UP_MS} ms`);
    }
  }
  return {
    revocations: lagsMs.length,
    p50Ms: percentile(lagsMs, 50),
    p95Ms: percentile(lagsMs, 95),
    p99Ms: percentile(lagsMs, 99),
    maxMs: Math.max(...lagsMs),
  };
}
