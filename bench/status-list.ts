// The Token Status List part: a list of 1 048 576 entries, issuing with and without status lists,
// and how soon a revocation on one instance shows in a list served by another.
import { randomBytes, randomInt } from 'node:crypto';
import { accessTokens, blacklistedTokens } from '../src/db/schema';
import { ListBits } from '../src/revocation/status-list.bits';
import { encodeLst } from '../src/revocation/status-list.encoding';
import { insertList } from '../src/revocation/status-list.store';
import { freePort } from '../test/support/free-port';
import { decodeJwtPart } from '../test/support/forge';
import { postGraphQL } from '../test/support/graphql-client';
import { REFRESH, REVOKE_TOKEN, type AuthPayloadData } from '../test/support/operations';
import { mustStatusOf } from '../test/support/status-lists';
import { createPostgresDatabase } from '../test/support/test-database';
import { startTestServer, type StartOptions, type TestServer } from '../test/support/test-server';
import { percentile } from '../test/support/wait';
import type { Fleet } from './fleet';
import { measureIssuing, type IssuingResult } from './status-list-issuing';

const LARGE = 1_048_576;
/** Fresh on/off process pairs the issuing comparison is made on (see `measureIssuing`). */
const ISSUING_PROCESS_PAIRS = 3;
const REVOKED_SHARE = 0.01;

export interface StatusListBenchResult {
  entries: number;
  revoked: number;
  lstBytes: number;
  /** Compressing the bits alone, as every change window does (median of runs). */
  encodeMs: number;
  /** A list first served: every token read with its facts, the rule applied, compressed and signed. */
  coldBuildMs: number;
  getP50Ms: number;
  getP99Ms: number;
  gets: number;
  /** login + refreshToken with status lists on and off. */
  issuing: IssuingResult;
  propagation: { revocations: number; p50Ms: number; p99Ms: number; maxMs: number } | undefined;
}

async function esServer(env: Record<string, string>, extra: StartOptions = {}): Promise<TestServer> {
  const port = extra.port ?? (await freePort());
  return startTestServer({
    ...extra,
    port,
    env: { JWT_ALGORITHM: 'ES256', JWT_ISSUER: `http://127.0.0.1:${port}`, ...env },
  });
}

/** `count` distinct indices of [0, size), none of `except`. */
function sample(count: number, size: number, except: number): number[] {
  const chosen = new Set<number>([except]);
  while (chosen.size < count + 1) chosen.add(randomInt(size));
  chosen.delete(except);
  return [...chosen];
}

async function timeGets(url: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const answer = await fetch(url, { headers: { accept: 'application/statuslist+jwt' } });
    await answer.arrayBuffer();
    if (answer.status !== 200) throw new Error(`GET ${url}: ${answer.status}`);
    times.push(performance.now() - started);
  }
  return times;
}

/** A list of `LARGE` entries, 1 % of them live revoked tokens, seeded through the tables the service reads. */
async function measureLargeList(entries: number, log: (line: string) => void) {
  const bits = new ListBits(entries);
  const revoked = Math.round(entries * REVOKED_SHARE);
  for (const idx of sample(revoked, entries, -1)) bits.set(idx);
  const encodes: number[] = [];
  let lst = '';
  for (let i = 0; i < 9; i += 1) {
    const started = performance.now();
    lst = await encodeLst(Buffer.from(bits.bytes));
    encodes.push(performance.now() - started);
  }

  const server = await esServer({ STATUS_LIST_SIZE: String(entries) });
  try {
    const user = await server.register();
    const { db } = server.database;
    const claims = decodeJwtPart(user.accessToken, 1);
    const listId = randomBytes(16).toString('base64url');
    const now = new Date(server.clock.now());
    const expiresAt = new Date(now.getTime() + 3_600_000);
    await insertList(db, { id: listId, size: entries, permutationKey: randomBytes(16).toString('base64url') }, now);
    log(`seeding ${revoked} revoked tokens in a list of ${entries}`);
    const indices = sample(revoked, entries, -1);
    for (let start = 0; start < indices.length; start += 1000) {
      const rows = indices.slice(start, start + 1000).map((idx) => ({ jti: `bench-${listId}-${idx}`, idx }));
      await db.insert(accessTokens).values(
        rows.map(({ jti, idx }) => ({
          jti,
          sessionId: String(claims.sid),
          userId: String(claims.sub),
          issuedAt: now,
          expiresAt,
          statusListId: listId,
          statusIdx: idx,
        })),
      );
      await db
        .insert(blacklistedTokens)
        .values(
          rows.map(({ jti }) => ({ jti, userId: String(claims.sub), reason: 'bench', expiresAt, createdAt: now })),
        );
    }
    const url = `${server.baseUrl}/statuslists/${listId}`;
    const [coldBuildMs = Number.NaN] = await timeGets(url, 1);
    const gets = await timeGets(url, 2000);
    return {
      entries,
      revoked,
      lstBytes: lst.length,
      encodeMs: percentile(encodes, 50),
      coldBuildMs,
      getP50Ms: percentile(gets, 50),
      getP99Ms: percentile(gets, 99),
      gets: gets.length,
    };
  } finally {
    await server.stop();
  }
}

/** From a revokeToken answered on A to the bit read in a GET from B, on one PostgreSQL database. */
async function measurePropagation(postgresUrl: string, revocations: number) {
  const database = await createPostgresDatabase(postgresUrl, 'token_warden_bench');
  const port = await freePort();
  const env = { JWT_ALGORITHM: 'ES256', JWT_ISSUER: `http://127.0.0.1:${port}` };
  const a = await startTestServer({ testDatabase: database, port, env });
  const b = await startTestServer({ testDatabase: database, env });
  try {
    const admin = await a.loginAdmin();
    const user = await b.register();
    const { getListFromStatusListJWT } = await import('@sd-jwt/jwt-status-list');
    const lags: number[] = [];
    let session: AuthPayloadData = user;
    for (let i = 0; i < revocations; i += 1) {
      const next = await postGraphQL<{ refreshToken: AuthPayloadData }>(b.url, REFRESH, {
        refreshToken: session.refreshToken,
      });
      if (!next.data) throw new Error(JSON.stringify(next.errors));
      session = next.data.refreshToken;
      const { idx, uri } = mustStatusOf(session.accessToken);
      const onB = uri.replace(a.baseUrl, b.baseUrl);
      const jti = String(decodeJwtPart(session.accessToken, 1).jti);
      const revoked = await a.gql(REVOKE_TOKEN, { input: { jti } }, { token: admin.accessToken });
      if (revoked.errors) throw new Error(JSON.stringify(revoked.errors));
      const answered = performance.now();
      for (;;) {
        const jwt = await (await fetch(onB)).text();
        if (getListFromStatusListJWT(jwt).getStatus(idx) === 1) break;
        if (performance.now() - answered > 5000) throw new Error('the bit did not show on B within 5 s');
      }
      lags.push(performance.now() - answered);
    }
    return {
      revocations,
      p50Ms: percentile(lags, 50),
      p99Ms: percentile(lags, 99),
      maxMs: Math.max(...lags),
    };
  } finally {
    await b.stop({ drop: false });
    await a.stop({ drop: false });
    await database.drop();
  }
}

export async function benchStatusLists(
  fleet: Fleet,
  options: {
    rounds: number;
    durationSeconds: number;
    propagationRevocations: number;
    postgresUrl: string | undefined;
    warmUp: boolean;
  },
  log: (line: string) => void,
): Promise<StatusListBenchResult> {
  // The tiny mode (no warm-up) only checks that the part still runs.
  const entries = options.warmUp ? LARGE : 65_536;
  log(`status lists: a list of ${entries} entries, ${REVOKED_SHARE * 100} % revoked`);
  const large = await measureLargeList(entries, log);
  log('status lists: login + refreshToken with status lists on and off');
  const issuing = await measureIssuing(
    fleet,
    {
      processPairs: options.warmUp ? ISSUING_PROCESS_PAIRS : 1,
      rounds: options.warmUp ? Math.max(options.rounds, 6) : 1,
      seconds: options.durationSeconds * 2,
      warmUp: options.warmUp,
    },
    log,
  );
  let propagation;
  if (options.postgresUrl) {
    log(`status lists: ${options.propagationRevocations} revocations from A to a GET on B`);
    propagation = await measurePropagation(options.postgresUrl, Math.min(options.propagationRevocations, 200));
  } else {
    log('DATABASE_URL is not set: the status list propagation run skipped');
  }
  return { ...large, issuing, propagation };
}
