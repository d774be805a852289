import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kidOf } from './support/signing-keys';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { errorCode } from './support/graphql-client';
import {
  AUDIT_EVENTS,
  ME,
  REFRESH,
  REVOKE_SIGNING_KEY,
  ROTATE_SIGNING_KEY,
  SIGNING_KEYS,
  type AuditEventData,
  type AuthPayloadData,
  type Connection,
  type SigningKeyData,
  type UserData,
} from './support/operations';
import { useTestServer } from './support/shared-server';
import { startTestServer, type TestServer } from './support/test-server';
import { watch } from './support/ws-client';

const PUBLISH_SECONDS = 30;

async function rotate(server: TestServer, admin: AuthPayloadData): Promise<SigningKeyData> {
  const rotated = await server.gql<{ rotateSigningKey: SigningKeyData }>(
    ROTATE_SIGNING_KEY,
    {},
    { token: admin.accessToken },
  );
  if (!rotated.data) throw new Error(JSON.stringify(rotated.errors));
  return rotated.data.rotateSigningKey;
}

async function keysOf(server: TestServer, admin: AuthPayloadData): Promise<SigningKeyData[]> {
  const keys = await server.gql<{ signingKeys: SigningKeyData[] }>(SIGNING_KEYS, {}, { token: admin.accessToken });
  if (!keys.data) throw new Error(JSON.stringify(keys.errors));
  return keys.data.signingKeys;
}

async function expectAccepted(server: TestServer, token: string): Promise<void> {
  const me = await server.gql<{ me: UserData }>(ME, {}, { token });
  expect(me.errors).toBeUndefined();
}

describe('HS256 keys (the default) rotate without logging anyone out', () => {
  const server = useTestServer();
  let admin: AuthPayloadData;
  beforeAll(async () => {
    admin = await server.loginAdmin();
  });

  it('signs every token with a kid naming the one ACTIVE key, and publishes no HMAC key', async () => {
    const keys = await keysOf(server, admin);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ algorithm: 'HS256', state: 'ACTIVE', retiredAt: null });
    expect(kidOf(admin.accessToken)).toBe(keys[0]?.kid);
    const jwks = await fetch(`${server.baseUrl}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    expect(await jwks.json()).toEqual({ keys: [] });
  });

  it('publishes the new key as NEXT, signs with it after the publish delay, and keeps older tokens working', async () => {
    const user = await server.register();
    const before = kidOf(user.accessToken);
    const next = await rotate(server, admin);
    expect(next).toMatchObject({ state: 'NEXT', algorithm: 'HS256' });
    expect(Date.parse(next.activatedAt) - Date.parse(next.createdAt)).toBe(PUBLISH_SECONDS * 1000);

    const stillOld = await server.login(user.user.email, user.password);
    expect(kidOf(stillOld.accessToken)).toBe(before);

    server.clock.advance(PUBLISH_SECONDS * 1000 + 1);
    const refreshed = await server.gql<{ refreshToken: AuthPayloadData }>(REFRESH, { refreshToken: user.refreshToken });
    expect(kidOf(refreshed.data?.refreshToken.accessToken ?? '')).toBe(next.kid);
    await expectAccepted(server, user.accessToken);
    await expectAccepted(server, refreshed.data?.refreshToken.accessToken ?? '');

    const states = Object.fromEntries(
      (await keysOf(server, await server.loginAdmin())).map((key) => [key.kid, key.state]),
    );
    expect(states).toEqual({ [before]: 'RETIRED', [next.kid]: 'ACTIVE' });
    admin = await server.loginAdmin();
  });

  it('refuses every token of a revoked key as TOKEN_REVOKED with the reason, while sessions refresh under a new key', async () => {
    const user = await server.register();
    const kid = kidOf(user.accessToken);
    const revoked = await server.gql<{ revokeSigningKey: SigningKeyData }>(
      REVOKE_SIGNING_KEY,
      { kid, reason: 'key leaked' },
      { token: admin.accessToken },
    );
    expect(revoked.data?.revokeSigningKey).toMatchObject({ kid, state: 'REVOKED', revokedReason: 'key leaked' });

    const refused = await server.gql(ME, {}, { token: user.accessToken });
    expect(errorCode(refused)).toBe('TOKEN_REVOKED');
    expect(refused.errors?.[0]?.extensions?.reason).toBe('key leaked');

    // Revoking the ACTIVE key rotated first: a refresh signs with a new key at once.
    const refreshed = await server.gql<{ refreshToken: AuthPayloadData }>(REFRESH, { refreshToken: user.refreshToken });
    const fresh = refreshed.data?.refreshToken.accessToken ?? '';
    expect(kidOf(fresh)).not.toBe(kid);
    await expectAccepted(server, fresh);
    const keys = await keysOf(server, await server.loginAdmin());
    expect(keys.find((key) => key.kid === kidOf(fresh))?.state).toBe('ACTIVE');

    const again = await server.gql<{ revokeSigningKey: SigningKeyData }>(
      REVOKE_SIGNING_KEY,
      { kid, reason: 'twice' },
      { token: (await server.loginAdmin()).accessToken },
    );
    expect(again.data?.revokeSigningKey.revokedReason).toBe('key leaked');
  });

  it('cuts open sockets signed with the revoked key: sessionEvents REVOKED, then 4403', async () => {
    const user = await server.register();
    const { live, events } = await watch<{ sessionEvents: { kind: string; reason: string | null } }>(
      server.url,
      user.accessToken,
      'subscription { sessionEvents { kind reason } }',
    );
    const newAdmin = await server.loginAdmin();
    await server.gql(
      REVOKE_SIGNING_KEY,
      { kid: kidOf(user.accessToken), reason: 'rotated in a hurry' },
      { token: newAdmin.accessToken },
    );
    expect((await events.nth(0)).data?.sessionEvents).toEqual({ kind: 'REVOKED', reason: 'rotated in a hurry' });
    const closed = await live.closed;
    expect(closed.code).toBe(4403);
  });

  it('records SIGNING_KEY_ROTATED and SIGNING_KEY_REVOKED with the acting administrator', async () => {
    const fresh = await server.loginAdmin();
    const audit = await server.gql<{ auditEvents: Connection<AuditEventData> }>(
      AUDIT_EVENTS,
      { first: 100 },
      { token: fresh.accessToken },
    );
    const actions = audit.data?.auditEvents.edges.map((edge) => edge.node) ?? [];
    const revokedEvent = actions.find((event) => event.action === 'SIGNING_KEY_REVOKED');
    expect(revokedEvent).toMatchObject({ actorId: fresh.user.id });
    expect(revokedEvent?.reason).toMatch(/key leaked|rotated in a hurry/);
    expect(actions.filter((event) => event.action === 'SIGNING_KEY_ROTATED').length).toBeGreaterThanOrEqual(3);
  });

  it('answers NOT_FOUND for a kid it never issued, and FORBIDDEN to a user', async () => {
    const fresh = await server.loginAdmin();
    for (const kid of ['nope', "' or 1=1 --", '../../etc/passwd', 'x'.repeat(500), 'a\u0000b']) {
      const response = await server.gql(REVOKE_SIGNING_KEY, { kid }, { token: fresh.accessToken });
      expect(errorCode(response)).toBe('NOT_FOUND');
    }
    const user = await server.register();
    expect(errorCode(await server.gql(ROTATE_SIGNING_KEY, {}, { token: user.accessToken }))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(SIGNING_KEYS, {}, { token: user.accessToken }))).toBe('FORBIDDEN');
  });
});

describe('the administrators’ feed names a revoked signing key', () => {
  const server = useTestServer();

  it('streams a KEY event with its kid to a feed whose own token another key signed', async () => {
    const first = await server.loginAdmin();
    const retiring = kidOf(first.accessToken);
    await rotate(server, first);
    server.clock.advance(PUBLISH_SECONDS * 1000 + 1);
    const admin = await server.loginAdmin();
    expect(kidOf(admin.accessToken)).not.toBe(retiring);

    const { live, events: feed } = await watch<{
      revocations: { kind: string; kid: string | null; reason: string | null; revokedBy: string | null };
    }>(server.url, admin.accessToken, 'subscription { revocations { kind kid reason revokedBy } }');
    await server.gql(REVOKE_SIGNING_KEY, { kid: retiring, reason: 'retired early' }, { token: admin.accessToken });
    expect((await feed.nth(0)).data?.revocations).toEqual({
      kind: 'KEY',
      kid: retiring,
      reason: 'retired early',
      revokedBy: admin.user.id,
    });
    await live.dispose();
  });
});

describe('keys live in the database, sealed with JWT_SECRET', () => {
  let dataDir: string;
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'token-warden-keys-'));
    testDatabase = await createTestDatabase({ pgliteDir: join(dataDir, 'pglite') });
  });
  afterAll(async () => {
    await testDatabase.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // Two instances finding the schedule due at once: postgres/signing-key-schedule-instances.test.ts.
  it('survive a restart, and the schedule rotates a key once it is due, not again while the new one waits', async () => {
    const options = { testDatabase, dataDir, env: { SIGNING_KEY_ROTATION_DAYS: '1' } };
    const first = await startTestServer(options);
    const user = await first.register();
    await first.stop({ drop: false });
    const second = await startTestServer(options);
    try {
      await expectAccepted(second, user.accessToken);
      const keys = second.server.services.signingKeys;
      expect(await keys.rotateIfDue()).toBe(false);
      second.clock.advance(86_400_000);
      expect(await keys.rotateIfDue()).toBe(true);
      expect(await keys.rotateIfDue()).toBe(false);
      const states = (await keysOf(second, await second.loginAdmin())).map((key) => key.state);
      expect(states).toEqual(['NEXT', 'ACTIVE']);
    } finally {
      await second.stop({ drop: false });
    }
  });

  it('starts with a new key when JWT_SECRET changed and no stored key opens; sessions refresh under it', async () => {
    const before = await startTestServer({ testDatabase, dataDir });
    const user = await before.register();
    await before.stop({ drop: false });
    const after = await startTestServer({
      testDatabase,
      dataDir,
      env: { JWT_SECRET: 'another secret, long enough to be accepted' },
    });
    try {
      expect(after.logs.lines.join('\n')).toMatch(/cannot be opened with this JWT_SECRET/);
      expect(errorCode(await after.gql(ME, {}, { token: user.accessToken }))).toBe('INVALID_TOKEN');
      const refreshed = await after.gql<{ refreshToken: AuthPayloadData }>(REFRESH, {
        refreshToken: user.refreshToken,
      });
      await expectAccepted(after, refreshed.data?.refreshToken.accessToken ?? '');
    } finally {
      await after.stop({ drop: false });
    }
  });
});
