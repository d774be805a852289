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

const LARGE = 1_048_576;
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
  /** login + refreshToken pairs per second, status lists on and off, measured in alternating rounds. */
  issuingOn: number;
  issuingOff: number;
  /** The median of each round's on/off ratio. */
  issuingRatio: number;
  rounds: number;
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

/** login then refreshToken, by `clients` at once for `seconds`: pairs per second. */
async function issuingRate(server: TestServer, email: string, password: string, clients: number, seconds: number) {
  const until = performance.now() + seconds * 1000;
  let pairs = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const login = await server.login(email, password);
        const refreshed = await postGraphQL<{ refreshToken: AuthPayloadData }>(server.url, REFRESH, {
          refreshToken: login.refreshToken,
        });
        if (!refreshed.data) throw new Error(JSON.stringify(refreshed.errors));
        pairs += 1;
      }
    }),
  );
  return pairs / seconds;
}

/** Concurrent sign-ins of one address are what is measured here, not what the throttle is for. */
const UNTHROTTLED = {
  LOGIN_THROTTLE_EMAIL_FREE: '10000',
  LOGIN_THROTTLE_EMAIL_MAX: '0',
  LOGIN_THROTTLE_ADDRESS_FREE: '10000',
  LOGIN_THROTTLE_ADDRESS_MAX: '0',
};

async function measureIssuing(rounds: number, seconds: number, log: (line: string) => void) {
  const on = await esServer(UNTHROTTLED);
  const off = await esServer({ ...UNTHROTTLED, STATUS_LIST: 'off' });
  try {
    const users = await Promise.all([on.register(), off.register()]);
    const runs = { on: [] as number[], off: [] as number[] };
    const configs = [
      { name: 'on' as const, server: on, user: users[0] },
      { name: 'off' as const, server: off, user: users[1] },
    ];
    await issuingRate(on, users[0].user.email, users[0].password, 8, 1);
    await issuingRate(off, users[1].user.email, users[1].password, 8, 1);
    for (let round = 0; round < rounds; round += 1) {
      // Forward and backward in turn, so that the machine's drift cancels out.
      for (const { name, server, user } of round % 2 === 0 ? configs : [...configs].reverse()) {
        runs[name].push(await issuingRate(server, user.user.email, user.password, 8, seconds));
      }
      log(`issuing round ${round + 1}: on ${runs.on.at(-1)?.toFixed(0)}/s, off ${runs.off.at(-1)?.toFixed(0)}/s`);
    }
    // Each round's own ratio: other load on the machine moves both runs of a round alike.
    const ratios = runs.on.map((on, i) => on / (runs.off[i] ?? Number.NaN));
    return {
      issuingOn: percentile(runs.on, 50),
      issuingOff: percentile(runs.off, 50),
      issuingRatio: percentile(ratios, 50),
      rounds,
    };
  } finally {
    await Promise.all([on.stop(), off.stop()]);
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
  const rounds = options.warmUp ? Math.max(options.rounds, 6) : 1;
  const issuing = await measureIssuing(rounds, options.durationSeconds * 2, log);
  let propagation;
  if (options.postgresUrl) {
    log(`status lists: ${options.propagationRevocations} revocations from A to a GET on B`);
    propagation = await measurePropagation(options.postgresUrl, Math.min(options.propagationRevocations, 200));
  } else {
    log('DATABASE_URL is not set: the status list propagation run skipped');
  }
  return { ...large, ...issuing, propagation };
}
