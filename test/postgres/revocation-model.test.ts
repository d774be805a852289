import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type postgres from 'postgres';
import { FACTOR_CHANGED_REASON } from '../../src/accounts/factors/factor-changed';
import type { UnverifiedClaims } from '../../src/auth/claims';
import type { DatabaseHandle } from '../../src/db/client';
import { DatabaseRevocationCheck, type Revoked } from '../../src/revocation/revocation.check';
import { decodeJwtPart } from '../support/forge';
import { errorCode } from '../support/graphql-client';
import { claimsOf } from '../support/instances';
import {
  PURGE,
  REFRESH,
  REVOKE_SESSION,
  REVOKE_SIGNING_KEY,
  REVOKE_TOKEN,
  REVOKE_USER_TOKENS,
  ROTATE_SIGNING_KEY,
  type AuthPayloadData,
} from '../support/operations';
import { enrolTotp, nextStep, RESET_USER_MFA } from '../support/mfa';
import { requestReset, resetPassword } from '../support/password-reset';
import { openSideConnection } from '../support/side-connection';
import { reauthenticate, STEP_UP_MAX_AGE_MS } from '../support/step-up';
import { TestClock } from '../support/test-clock';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/test-server';
import { waitFor } from '../support/wait';

// Random sequences of revocations (token, session, user, signing key, password reset, a second factor turned on
// and reset by an administrator), key rotations, sign-ins,
// refreshes, time passing, purges, restarts, a lost listener and bus faults (notifications
// dropped, delivered twice or in reverse order), played through the API against one instance. After every step, for every token issued so far, the mirror must answer as the
// database check does, and, while the token has not expired, as a plain model of the rules does.
jest.setTimeout(600_000);

const RUNS = 100;
const USERS_PER_RUN = 2;

type Action =
  | { kind: 'login'; user: number }
  | { kind: 'refresh'; session: number }
  | { kind: 'revokeToken'; token: number }
  | { kind: 'revokeSession'; session: number }
  | { kind: 'revokeUser'; user: number }
  | { kind: 'passwordReset'; user: number }
  | { kind: 'factorChange'; user: number }
  | { kind: 'revokeSigningKey'; token: number }
  | { kind: 'rotateSigningKey' }
  | { kind: 'advance'; ms: number }
  | { kind: 'purge' }
  | { kind: 'restart' }
  | { kind: 'loseListener' }
  | { kind: 'busFault'; fault: BusFault };

/** What the notifications of the next steps suffer on their way to the instance. */
type BusFault = 'drop' | 'duplicate' | 'reorder';
/** Steps a bus fault lasts. */
const FAULT_STEPS = 3;

const index = fc.nat({ max: 50 });
const actions: fc.Arbitrary<Action[]> = fc.array(
  fc.oneof(
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('login' as const), user: index }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('refresh' as const), session: index }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('revokeToken' as const), token: index }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('revokeSession' as const), session: index }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('revokeUser' as const), user: index }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('passwordReset' as const), user: index }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('factorChange' as const), user: index }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('revokeSigningKey' as const), token: index }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'rotateSigningKey' as const }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 600_000 }) }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'purge' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'loseListener' as const }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('busFault' as const),
        fault: fc.constantFrom<BusFault>('drop', 'duplicate', 'reorder'),
      }),
    },
  ),
  { minLength: 1, maxLength: 20 },
);

/** The plain model: what each token has been revoked by, in the words of the rules. */
interface ModelToken {
  claims: UnverifiedClaims;
  expMs: number;
  user: number;
  session: number;
  byJti?: string;
  bySession?: string;
  byUser?: string;
}
interface ModelSession {
  user: number;
  refreshToken: string;
  live: boolean;
  /** When it ended: a purge deletes an ended session once every token it issued has expired. */
  endedAtMs?: number;
  /** Whether a purge has deleted it ('maybe' when that purge ran within `PURGE_EDGE_MS` of the line). */
  purged?: 'yes' | 'maybe';
}

/**
 * The clock runs on in real time between the model's reading and the server's: a purge this close
 * to an ended session's last token's expiry may or may not delete it.
 */
const PURGE_EDGE_MS = 5000;

/** Ends a session in the model; the server keeps the first end of a session it is asked to end twice. */
function endSession(session: ModelSession): void {
  if (session.live) session.endedAtMs = clock.now();
  session.live = false;
}

/** What a refresh of an ended session answers: TOKEN_REVOKED, or INVALID_TOKEN once a purge deleted it. */
function endedRefreshCodes(session: ModelSession): string[] {
  if (session.purged === 'yes') return ['INVALID_TOKEN'];
  return session.purged === 'maybe' ? ['TOKEN_REVOKED', 'INVALID_TOKEN'] : ['TOKEN_REVOKED'];
}
interface ModelUser {
  id: string;
  email: string;
  password: string;
}

/**
 * Signing keys revoked so far, each with the reason of its first revocation (a second one changes
 * nothing). Kept across runs, as the keys are: the administrator's token may be signed by any.
 */
const revokedKeys = new Map<string, string>();

/** The most specific revocation wins: the token itself, then its signing key, its session, its user. */
const expected = (token: ModelToken): Revoked | null => {
  const reason = token.byJti ?? revokedKeys.get(token.claims.kid ?? '') ?? token.bySession ?? token.byUser;
  return reason === undefined ? null : { reason };
};

let database: TestDatabase;
let server: TestServer;
let side: postgres.Sql;
let dataDir: string;
const clock = new TestClock();
let admin: AuthPayloadData;
let adminExpiresAtMs = 0;

/** The fault the notifications suffer now, for how many more steps, and those held to be reordered. */
const bus: { fault: BusFault | null; stepsLeft: number; held: string[]; deliver?: (payload: string) => void } = {
  fault: null,
  stepsLeft: 0,
  held: [],
};

/** Plays `bus.fault` on the notifications between PostgreSQL and the instance's listener. */
function faultyBus(database: DatabaseHandle): DatabaseHandle {
  return {
    ...database,
    listen: async (channel, handlers) => {
      const stop = await database.listen(channel, {
        onNotify: (payload) => {
          if (payload.startsWith('probe:') || bus.fault === null) handlers.onNotify(payload);
          else if (bus.fault === 'duplicate') {
            handlers.onNotify(payload);
            handlers.onNotify(payload);
          } else if (bus.fault === 'reorder') bus.held.push(payload);
        },
        onClose: () => handlers.onClose(),
      });
      bus.deliver = (payload) => handlers.onNotify(payload);
      return stop;
    },
  };
}

/** Counts a step of the fault down; at its end, what was held for reordering arrives newest first. */
function endOfStep(): void {
  if (bus.fault === null) return;
  bus.stepsLeft -= 1;
  if (bus.stepsLeft > 0) return;
  bus.fault = null;
  for (const payload of bus.held.reverse()) bus.deliver?.(payload);
  bus.held = [];
}

const start = async () => {
  server = await startTestServer({
    testDatabase: database,
    dataDir,
    clock,
    wrapDatabase: faultyBus,
    // Without SMTP_URL the reset mail is logged, link included; each request names an address of its own.
    env: { TRUST_PROXY: 'loopback' },
  });
};

/**
 * Asks for a reset link and reads it from the log, as a developer without SMTP would; undefined
 * when the mail-request throttle refused (then nothing changed).
 */
async function resetLinkToken(email: string): Promise<string | undefined> {
  // register logs a verification link too; only the reset links count here.
  const logged = () =>
    server.logs.entries().filter((entry) => entry.to === email && entry.mailKind === 'password_reset');
  const before = logged().length;
  const asked = await requestReset(server, email);
  if (errorCode(asked) === 'TOO_MANY_REQUESTS') return undefined;
  expect(asked.data?.requestPasswordReset).toBe(true);
  await waitFor(() => logged().length > before, 5000, 'the reset mail logged', 5);
  const link = String(logged().at(-1)?.link);
  return /#token=([A-Za-z0-9_-]+)$/.exec(link)?.[1];
}

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'token-warden-model-'));
  side = openSideConnection(database);
  await start();
});
afterAll(async () => {
  await side.end();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * An administrator's token that has not expired, refreshed as time passes in the model, and
 * authenticated again before its sign-in is too old for the mutations behind step-up.
 */
async function adminToken(): Promise<string> {
  if (adminExpiresAtMs === 0) admin = await server.loginAdmin();
  else if (clock.now() >= adminExpiresAtMs - 30_000 || revokedKeys.has(claimsOf(admin.accessToken).kid ?? '')) {
    const response = await server.gql<{ refreshToken: AuthPayloadData }>(REFRESH, { refreshToken: admin.refreshToken });
    if (!response.data) throw new Error(`admin refresh failed: ${JSON.stringify(response.errors)}`);
    admin = response.data.refreshToken;
  }
  const authTimeMs = Number(decodeJwtPart(admin.accessToken, 1).auth_time) * 1000;
  if (clock.now() - authTimeMs >= STEP_UP_MAX_AGE_MS - 30_000) {
    admin = await reauthenticate(server, admin.accessToken, ADMIN_PASSWORD);
  }
  adminExpiresAtMs = Date.parse(admin.accessTokenExpiresAt);
  return admin.accessToken;
}

async function ok<T>(response: Promise<{ errors?: unknown; data?: T | null }>, what: string): Promise<T> {
  const answer = await response;
  if (answer.errors !== undefined || !answer.data) throw new Error(`${what} failed: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}

/** In sync, and, once no fault holds notifications back, every version of the log applied. */
async function waitUntilSynced(): Promise<void> {
  const check = server.server.services.revocationCheck;
  await waitFor(() => check.status().synced, 10_000, 'mirror in sync');
  if (bus.fault !== null) return;
  const [feed] = await side<Array<{ version: string }>>`select version from revocation_feed`;
  const head = Number(feed?.version ?? 0);
  await waitFor(
    () => (check.status().appliedVersion ?? 0) >= head,
    server.config.revocationMaxStalenessMs,
    `every log version up to ${head} applied`,
  );
}

let runs = 0;
let steps = 0;
/** Steps played, by kind: every kind must have been played for the property to say anything of it. */
const played = new Map<Action['kind'], number>();

it(`answers like the model and like the database after every step (${RUNS} runs)`, async () => {
  await fc.assert(
    fc.asyncProperty(actions, async (sequence) => {
      runs += 1;
      const users: ModelUser[] = [];
      const sessions: ModelSession[] = [];
      const tokens: ModelToken[] = [];
      const issue = (payload: AuthPayloadData, user: number, session: number) => {
        const claims = claimsOf(payload.accessToken);
        tokens.push({ claims, expMs: Date.parse(payload.accessTokenExpiresAt), user, session });
      };
      for (let user = 0; user < USERS_PER_RUN; user += 1) {
        const registered = await server.register();
        users.push({ id: registered.user.id, email: registered.user.email, password: registered.password });
        sessions.push({ user, refreshToken: registered.refreshToken, live: true });
        issue(registered, user, sessions.length - 1);
      }

      const check = async (step: string) => {
        steps += 1;
        await waitUntilSynced();
        const direct = new DatabaseRevocationCheck(server.database.db, clock.now);
        for (const token of tokens) {
          const fromMirror = await server.server.services.revocationCheck.isRevoked(token.claims);
          const fromDatabase = await direct.isRevoked(token.claims);
          const context = `after ${step}, token ${token.claims.jti} of session ${token.session}`;
          if (JSON.stringify(fromMirror) !== JSON.stringify(fromDatabase)) {
            throw new Error(
              `${context}: mirror ${JSON.stringify(fromMirror)}, database ${JSON.stringify(fromDatabase)}`,
            );
          }
          if (clock.now() < token.expMs && JSON.stringify(fromMirror) !== JSON.stringify(expected(token))) {
            throw new Error(
              `${context}: mirror ${JSON.stringify(fromMirror)}, model ${JSON.stringify(expected(token))}`,
            );
          }
        }
      };

      for (const [at, action] of sequence.entries()) {
        const reason = `${action.kind} ${runs}.${at}`;
        played.set(action.kind, (played.get(action.kind) ?? 0) + 1);
        switch (action.kind) {
          case 'login': {
            const user = action.user % users.length;
            const { email, password } = users[user] as ModelUser;
            const payload = await server.login(email, password);
            sessions.push({ user, refreshToken: payload.refreshToken, live: true });
            issue(payload, user, sessions.length - 1);
            break;
          }
          case 'refresh': {
            const index = action.session % sessions.length;
            const session = sessions[index] as ModelSession;
            const response = await server.gql<{ refreshToken: AuthPayloadData }>(REFRESH, {
              refreshToken: session.refreshToken,
            });
            if (!session.live) {
              expect(endedRefreshCodes(session)).toContain(errorCode(response));
              break;
            }
            const payload = response.data?.refreshToken;
            if (!payload) throw new Error(`refresh of a live session failed: ${JSON.stringify(response.errors)}`);
            session.refreshToken = payload.refreshToken;
            issue(payload, session.user, index);
            break;
          }
          case 'revokeToken': {
            const token = tokens[action.token % tokens.length] as ModelToken;
            await ok(
              server.gql(REVOKE_TOKEN, { input: { jti: token.claims.jti, reason } }, { token: await adminToken() }),
              reason,
            );
            // Revoking a token twice keeps the first entry; an expired one is refused already.
            if (clock.now() < token.expMs) token.byJti ??= reason;
            break;
          }
          case 'revokeSession': {
            const index = action.session % sessions.length;
            const session = sessions[index] as ModelSession;
            const sid = tokens.find((token) => token.session === index)?.claims.sid ?? '';
            await ok(server.gql(REVOKE_SESSION, { id: sid, reason }, { token: await adminToken() }), reason);
            if (session.live) {
              for (const token of tokens) if (token.session === index) token.bySession = reason;
            }
            endSession(session);
            break;
          }
          case 'revokeUser': {
            const user = action.user % users.length;
            await ok(
              server.gql(
                REVOKE_USER_TOKENS,
                { userId: (users[user] as ModelUser).id, reason },
                { token: await adminToken() },
              ),
              reason,
            );
            for (const token of tokens) if (token.user === user) token.byUser = reason;
            for (const session of sessions) if (session.user === user) endSession(session);
            break;
          }
          case 'passwordReset': {
            const user = action.user % users.length;
            const account = users[user] as ModelUser;
            const token = await resetLinkToken(account.email);
            if (token === undefined) break;
            const password = `reset passphrase ${runs}.${at}`;
            await ok(resetPassword(server, token, password), reason);
            account.password = password;
            // One user cutoff, like revokeUserTokens, with the reason a client is shown.
            for (const modelToken of tokens) if (modelToken.user === user) modelToken.byUser = 'password reset';
            for (const session of sessions) if (session.user === user) endSession(session);
            break;
          }
          case 'factorChange': {
            // The user turns TOTP on from a new sign-in: every other session of theirs ends. Then an
            // administrator removes it, which ends every session, so later sign-ins need no code.
            const user = action.user % users.length;
            const { email, password, id } = users[user] as ModelUser;
            const signedIn = await server.login(email, password);
            sessions.push({ user, refreshToken: signedIn.refreshToken, live: true });
            const current = sessions.length - 1;
            issue(signedIn, user, current);
            nextStep(server);
            await enrolTotp(server, signedIn.accessToken);
            const endAll = (except: number | null) =>
              sessions.forEach((session, index) => {
                if (session.user !== user || index === except || !session.live) return;
                endSession(session);
                for (const token of tokens) if (token.session === index) token.bySession = FACTOR_CHANGED_REASON;
              });
            endAll(current);
            await check(`TOTP turned on ${runs}.${at}`);
            await ok(server.gql(RESET_USER_MFA, { userId: id, reason }, { token: await adminToken() }), reason);
            endAll(null);
            break;
          }
          case 'revokeSigningKey': {
            const kid = (tokens[action.token % tokens.length] as ModelToken).claims.kid ?? '';
            await ok(server.gql(REVOKE_SIGNING_KEY, { kid, reason }, { token: await adminToken() }), reason);
            if (!revokedKeys.has(kid)) revokedKeys.set(kid, reason);
            break;
          }
          case 'rotateSigningKey':
            // The new key signs once SIGNING_KEY_PUBLISH_SECONDS have passed: an 'advance' gets there.
            await ok(server.gql(ROTATE_SIGNING_KEY, {}, { token: await adminToken() }), reason);
            break;
          case 'advance':
            clock.advance(action.ms);
            break;
          case 'purge': {
            await ok(server.gql(PURGE, {}, { token: await adminToken() }), reason);
            const ttlMs = server.config.jwt.accessTokenTtlSeconds * 1000;
            for (const session of sessions) {
              if (session.endedAtMs === undefined || session.purged === 'yes') continue;
              const endedForMs = clock.now() - session.endedAtMs;
              if (endedForMs > ttlMs + PURGE_EDGE_MS) session.purged = 'yes';
              else if (endedForMs >= ttlMs - PURGE_EDGE_MS) session.purged = 'maybe';
            }
            break;
          }
          case 'restart':
            await server.stop({ drop: false });
            await start();
            break;
          case 'loseListener': {
            // Its listening connection dropped: the instance must notice and read the log meanwhile.
            await side`select pg_terminate_backend(pid) from pg_stat_activity
              where datname = current_database() and query ilike 'listen %'`;
            await waitFor(
              () => server.server.services.revocationCheck.status().busMode === 'poll',
              5000,
              'the instance notices the loss',
              0,
            );
            break;
          }
          case 'busFault':
            bus.stepsLeft = 1;
            endOfStep();
            bus.fault = action.fault;
            bus.stepsLeft = FAULT_STEPS + 1;
            break;
        }
        endOfStep();
        await check(`${reason} (${JSON.stringify(action)})`);
      }
    }),
    { numRuns: RUNS },
  );
  console.log(
    `revocation model: ${runs} runs (including any shrinking), ${steps} steps checked: ` +
      JSON.stringify(Object.fromEntries(played)),
  );
  expect(played.get('revokeSigningKey')).toBeGreaterThan(0);
  expect(played.get('passwordReset')).toBeGreaterThan(0);
  expect(played.get('factorChange')).toBeGreaterThan(0);
  expect(played.get('rotateSigningKey')).toBeGreaterThan(0);
  expect(played.get('busFault')).toBeGreaterThan(0);
  expect(played.get('loseListener')).toBeGreaterThan(0);
});
