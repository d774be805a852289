import { setTimeout as sleep } from 'node:timers/promises';
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

/** Milliseconds from `since` until `server` first refuses `token` as revoked. */
async function untilRefused(server: ServerChild, token: string, since: number): Promise<number> {
  for (;;) {
    const code = await probe(server, token);
    const elapsed = performance.now() - since;
    if (code === 'TOKEN_REVOKED') return elapsed;
    if (code !== undefined) throw new Error(`instance ${server.name} answered ${code} instead of TOKEN_REVOKED`);
    if (elapsed > GIVE_UP_MS) {
      throw new Error(`instance ${server.name} still accepted a revoked token after ${GIVE_UP_MS} ms`);
    }
  }
}

/**
 * Revokes tokens one by one on `a` and times, from the moment `a` answered, how long until every
 * one of `others` refuses the token (each probed on its own, at once): what a client of the
 * slowest other instance sees. With `spreadMs`, each revocation waits a random pause up to that
 * first: revoking right after the previous one was seen would fall in step with a polling
 * instance's reads, just after one, and measure a whole interval every time.
 */
export async function measurePropagation(
  a: ServerChild,
  others: readonly ServerChild[],
  adminToken: string,
  count: number,
  spreadMs = 0,
): Promise<PropagationResult> {
  const registered = await postGraphQL<{ register: AuthPayloadData }>(a.url, REGISTER, {
    email: uniqueEmail('bench'),
    password: USER_PASSWORD,
  });
  if (!registered.data?.register) throw new Error(`bench registration failed: ${registered.text}`);
  const tokens = await mintAccessTokens(a.url, registered.data.register, count);
  for (const token of tokens) {
    for (const other of others) {
      const code = await probe(other, token);
      if (code !== undefined) {
        throw new Error(`instance ${other.name} refused a live token before its revocation: ${code}`);
      }
    }
  }

  const lagsMs: number[] = [];
  for (const token of tokens) {
    if (spreadMs > 0) await sleep(Math.random() * spreadMs);
    const revoked = await postGraphQL(
      a.url,
      REVOKE_TOKEN,
      { input: { jti: claimsOf(token).jti } },
      { token: adminToken },
    );
    if (revoked.errors) throw new Error(`revocation on A failed: ${revoked.text}`);
    const answeredAt = performance.now();
    lagsMs.push(Math.max(...(await Promise.all(others.map((other) => untilRefused(other, token, answeredAt))))));
  }
  return {
    revocations: lagsMs.length,
    p50Ms: percentile(lagsMs, 50),
    p95Ms: percentile(lagsMs, 95),
    p99Ms: percentile(lagsMs, 99),
    maxMs: Math.max(...lagsMs),
  };
}
