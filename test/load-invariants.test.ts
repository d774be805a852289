import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { errorCode, type GraphQLResponse } from './support/graphql-client';
import {
  LOGIN,
  LOGOUT,
  ME,
  REFRESH,
  REGISTER,
  REVOKE_TOKEN,
  REVOKE_USER_TOKENS,
  type AuthPayloadData,
} from './support/operations';
import { useTestServer } from './support/shared-server';
import { uniqueEmail } from './support/test-server';
import { TokenLedger } from './support/token-ledger';

// 50 simulated users sign in, refresh, call `me` and log out for LOAD_SECONDS (10 in `npm test`,
// 60 under `npm run soak`, 600 with `-- --long`) while an administrator revokes at random. Afterwards every token the
// server acknowledged as revoked must be refused, every other one must still work, no refresh
// token may have been accepted twice, nothing may have failed with a 5xx, and the heap must be
// back near where it started.
const USERS = 50;
const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 10);
/** Heap growth allowed once the run's tokens are expired and purged: caches are bounded, nothing else may stay. */
const HEAP_ALLOWANCE_BYTES = 32 * 1024 * 1024;
jest.setTimeout((LOAD_SECONDS + 120) * 1000);

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

const server = useTestServer({
  // Request lines would pile up in the captured log and count as heap growth, and so would a
  // full verified-token cache (10 000 tokens by default, reached in a long run): a small one
  // keeps its bounded share out of the heap comparison.
  env: {
    LOGIN_THROTTLE_ADDRESS_FREE: '10000',
    LOGIN_THROTTLE_ADDRESS_MAX: '0',
    LOG_LEVEL: 'warn',
    TOKEN_CACHE_SIZE: '500',
  },
});
const ledger = new TokenLedger();
const statuses = new Map<string, number>();
const serverFaults: string[] = [];
const violations: string[] = [];
/** Refresh tokens of a live session that the server refused, with what the ledger needs to judge them. */
const refusedRefreshes: Array<{
  userId: string;
  sessionId: string;
  sessionRequestedAtMs: number;
  answeredAtMs: number;
  code: string | undefined;
}> = [];

async function call<TData>(
  kind: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<GraphQLResponse<TData>> {
  const response = await server.gql<TData>(query, variables, { token });
  const key = `${kind} ${response.status}${response.errors ? ` ${errorCode(response) ?? ''}` : ''}`;
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
  if (response.status >= 500) serverFaults.push(`${kind}: ${response.status} ${response.text.slice(0, 200)}`);
  return response;
}

class SimulatedUser {
  readonly email = uniqueEmail('load');
  readonly password = `password-${Math.random().toString(36).slice(2)}`;
  userId = '';
  sessionId = '';
  /** When the sign-in that began the current session was sent. */
  sessionRequestedAtMs = 0;
  access = '';
  refresh = '';
  private readonly retired: Array<{ refreshToken: string; sessionId: string }> = [];

  private take(payload: AuthPayloadData, requestedAtMs: number): void {
    this.userId = payload.user.id;
    this.access = payload.accessToken;
    this.refresh = payload.refreshToken;
    this.sessionId = ledger.issued(payload.accessToken, requestedAtMs).sessionId;
  }

  async signIn(register = false): Promise<void> {
    const field = register ? 'register' : 'login';
    const requestedAt = Date.now();
    const response = await call<Record<string, AuthPayloadData>>(field, register ? REGISTER : LOGIN, {
      email: this.email,
      password: this.password,
    });
    const payload = response.data?.[field];
    if (!payload) throw new Error(`${field} failed: ${response.text}`);
    this.take(payload, requestedAt);
    this.sessionRequestedAtMs = requestedAt;
  }

  async me(): Promise<void> {
    const revokedBefore = ledger.isRevoked(this.access);
    const response = await call('me', ME, {}, this.access);
    if (response.status === 200 && revokedBefore) violations.push(`revoked token accepted by me: ${this.access}`);
    if (errorCode(response) === 'TOKEN_REVOKED') await this.signIn();
  }

  async rotate(): Promise<void> {
    const presented = this.refresh;
    const sessionId = this.sessionId;
    const requestedAt = Date.now();
    const response = await call<{ refreshToken: AuthPayloadData }>('refresh', REFRESH, { refreshToken: presented });
    if (response.data) {
      ledger.refreshAccepted(presented);
      this.retired.push({ refreshToken: presented, sessionId });
      this.take(response.data.refreshToken, requestedAt);
    } else {
      // This user's own steps never end the session they refresh (a logout or a detected replay
      // signs in again at once): only the administrator's revocation of all their tokens may.
      refusedRefreshes.push({
        userId: this.userId,
        sessionId,
        sessionRequestedAtMs: this.sessionRequestedAtMs,
        answeredAtMs: Date.now(),
        code: errorCode(response),
      });
      await this.signIn();
    }
  }

  /** Presents a refresh token that was already rotated away, as a thief would. */
  async replay(): Promise<void> {
    const old = this.retired[Math.floor(Math.random() * this.retired.length)];
    if (!old) return;
    const response = await call<{ refreshToken: AuthPayloadData }>('replay', REFRESH, {
      refreshToken: old.refreshToken,
    });
    if (response.data) {
      ledger.refreshAccepted(old.refreshToken);
      return;
    }
    if (errorCode(response) === 'TOKEN_REVOKED') {
      ledger.sessionRevoked(old.sessionId, 'refresh refused: reuse or session ended');
      if (old.sessionId === this.sessionId) await this.signIn();
    }
  }

  async logOut(): Promise<void> {
    const sessionId = this.sessionId;
    const response = await call('logout', LOGOUT, {}, this.access);
    if (!response.errors) ledger.sessionRevoked(sessionId, 'logout');
    await this.signIn();
  }

  forgetHistory(): void {
    this.retired.length = 0;
  }

  async act(): Promise<void> {
    const roll = Math.random();
    if (roll < 0.7) return this.me();
    if (roll < 0.92) return this.rotate();
    if (roll < 0.96) return this.replay();
    return this.logOut();
  }
}

async function administrate(adminToken: string, users: SimulatedUser[], until: number): Promise<number> {
  let revocations = 0;
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (Math.random() < 0.6) {
      const target = ledger.tokens[Math.floor(Math.random() * ledger.tokens.length)];
      if (!target) continue;
      const response = await call('revokeToken', REVOKE_TOKEN, { input: { token: target.token } }, adminToken);
      if (!response.errors) ledger.tokenRevoked(target.token);
      revocations += response.errors ? 0 : 1;
    } else {
      const target = users[Math.floor(Math.random() * users.length)] as SimulatedUser;
      const sentAtMs = Date.now();
      const response = await call<{ revokeUserTokens: string }>(
        'revokeUserTokens',
        REVOKE_USER_TOKENS,
        { userId: target.userId, reason: 'load test' },
        adminToken,
      );
      if (response.data) {
        const cutoffMs = Date.parse(response.data.revokeUserTokens);
        ledger.userRevoked(target.userId, { cutoffMs, sentAtMs, acknowledgedAtMs: Date.now() });
      }
      revocations += response.data ? 1 : 0;
    }
  }
  return revocations;
}

it(`${USERS} users for ${LOAD_SECONDS} s while an administrator revokes: every invariant holds`, async () => {
  const users = Array.from({ length: USERS }, () => new SimulatedUser());
  await Promise.all(users.map((user) => user.signIn(true)));
  const adminToken = (await server.loginAdmin()).accessToken;
  const heapBefore = heapAfterGc();

  const until = Date.now() + LOAD_SECONDS * 1000;
  let actions = 0;
  const [adminRevocations] = await Promise.all([
    administrate(adminToken, users, until),
    ...users.map(async (user) => {
      while (Date.now() < until) {
        await user.act();
        actions += 1;
      }
    }),
  ]);

  const wrong: string[] = [];
  const queue = ledger.tokens.filter((entry) => !entry.uncertain);
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let entry = queue.pop(); entry; entry = queue.pop()) {
        const response = await server.gql(ME, {}, { token: entry.token });
        const outcome = response.errors ? errorCode(response) : 'accepted';
        const expected = entry.revoked ? 'TOKEN_REVOKED' : 'accepted';
        if (outcome !== expected) {
          const { userId, sessionId, issuedAtMs, revokedBy } = entry;
          wrong.push(
            `${expected} but ${String(outcome)}: ${JSON.stringify({ userId, sessionId, issuedAtMs, revokedBy })}`,
          );
        }
      }
    }),
  );

  const wronglyRefused = refusedRefreshes.filter(
    (refusal) =>
      refusal.code !== 'TOKEN_REVOKED' ||
      !ledger.userRevocationEnded(refusal.userId, refusal.sessionRequestedAtMs, refusal.answeredAtMs),
  );

  const issued = ledger.tokens.length;
  const revoked = ledger.tokens.filter((entry) => entry.revoked).length;
  const uncertain = ledger.tokens.filter((entry) => entry.uncertain).length;
  // Expire and purge everything the run created, and drop this test's own records of it, so that
  // only the server's bounded caches may hold memory.
  ledger.clear();
  for (const user of users) user.forgetHistory();
  server.clock.advance((server.config.jwt.accessTokenTtlSeconds + 60) * 1000);
  await server.server.services.revocations.purgeExpiredTokens(null);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const heapAfter = heapAfterGc();

  const total = [...statuses.values()].reduce((sum, count) => sum + count, 0);
  console.log(
    [
      `${USERS} users, ${LOAD_SECONDS} s: ${total} requests (${actions} user actions, ${adminRevocations} admin revocations)`,
      `tokens issued ${issued}: ${revoked} revoked and refused afterwards, ${issued - revoked - uncertain} still accepted, ` +
        `${uncertain} issued during a revocation of all their user's tokens and stamped after its cutoff (either is right)`,
      `refreshes refused: ${refusedRefreshes.length}, ${wronglyRefused.length} of them with no revocation of the user to explain it`,
      `answers: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
      `heap after GC: ${(heapBefore / 2 ** 20).toFixed(1)} MB before, ${(heapAfter / 2 ** 20).toFixed(1)} MB after`,
    ].join('\n'),
  );
  expect(serverFaults).toEqual([]);
  expect(violations).toEqual([]);
  expect(ledger.acceptedTwice).toEqual([]);
  expect(wrong).toEqual([]);
  expect(wronglyRefused).toEqual([]);
  expect(revoked).toBeGreaterThan(0);
  expect(statuses.get('replay 401 TOKEN_REVOKED') ?? 0).toBeGreaterThan(0);
  expect(heapAfter - heapBefore).toBeLessThan(HEAP_ALLOWANCE_BYTES);
});
