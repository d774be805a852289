import { eq } from 'drizzle-orm';
import { countPasskeys, removeAllPasskeys } from '../src/accounts/factors/passkey.store';
import { mailOutbox, webauthnChallenges } from '../src/db/schema';
import { decodeJwtPart } from './support/forge';
import { errorCode, type GraphQLResponse } from './support/graphql-client';
import {
  AUDIT_EVENTS_OF,
  ME,
  REFRESH,
  MY_PASSKEYS,
  REMOVE_PASSKEY,
  START_PASSKEY_REGISTRATION,
  type AuditEventData,
  type AuthPayloadData,
  type PasskeyData,
} from './support/operations';
import {
  addPasskey,
  finishSignIn,
  PASSKEY_ENV,
  registerPasskey,
  signInWithPasskey,
  startRegistration,
  startSignIn,
  stepUpWithPasskey,
} from './support/passkeys';
import { useServerWithAdmin } from './support/shared-server';
import { SoftAuthenticator } from './support/soft-authenticator';
import { watch } from './support/ws-client';

const shared = useServerWithAdmin({ env: PASSKEY_ENV });
const { server } = shared;

type SignInAnswer = GraphQLResponse<{ finishPasskeySignIn: AuthPayloadData }>;

function tokensOf(answer: SignInAnswer): AuthPayloadData {
  const payload = answer.data?.finishPasskeySignIn;
  if (!payload) throw new Error(`finishPasskeySignIn failed: ${JSON.stringify(answer.errors)}`);
  return payload;
}

/** What the log says of the last refused ceremony: the check that failed, and the library's words. */
function lastRefusal(): string {
  const entry = server.logs
    .entries()
    .filter((e) => e.msg === 'passkey ceremony refused')
    .at(-1);
  const err = entry?.err as { message?: string } | undefined;
  return `${String(entry?.why)}${err?.message ? `: ${err.message}` : ''}`;
}

/** INVALID_PASSKEY, worded alike whatever failed; the log says which check it was. */
function expectRefused(answer: GraphQLResponse<unknown>, why: RegExp): void {
  expect(answer.status).toBe(400);
  expect(errorCode(answer)).toBe('INVALID_PASSKEY');
  expect(answer.errors?.[0]?.message).toBe('The passkey could not be verified; start again.');
  expect(lastRefusal()).toMatch(why);
}

const myPasskeys = async (token: string) =>
  (await server.gql<{ myPasskeys: PasskeyData[] }>(MY_PASSKEYS, {}, { token })).data?.myPasskeys ?? [];

async function auditOf(userId: string): Promise<AuditEventData[]> {
  const response = await server.gql<{ auditEvents: { edges: Array<{ node: AuditEventData }> } }>(
    AUDIT_EVENTS_OF,
    { userId, first: 100 },
    { token: shared.admin.accessToken },
  );
  return response.data?.auditEvents.edges.map((edge) => edge.node) ?? [];
}

describe('adding a passkey', () => {
  it('asks for user verification, prefers a discoverable key and excludes the keys I have', async () => {
    const user = await server.register();
    const first = await startRegistration(server, user.accessToken);
    expect(first).toMatchObject({
      rp: { id: 'localhost', name: 'Token Warden' },
      user: { name: user.user.email },
      attestation: 'none',
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
      excludeCredentials: [],
    });
    const authenticator = new SoftAuthenticator();
    const added = await addPasskey(server, user.accessToken, authenticator);
    // With a passkey on the account, adding another wants a token that shows it.
    expect(errorCode(await server.gql(START_PASSKEY_REGISTRATION, {}, { token: user.accessToken }))).toBe(
      'STEP_UP_REQUIRED',
    );
    const steppedUp = await stepUpWithPasskey(server, user.accessToken, authenticator);
    const second = await startRegistration(server, steppedUp.accessToken);
    expect((second.excludeCredentials as Array<{ id: string }>).map((c) => c.id)).toEqual([
      added.credential.id.toString('base64url'),
    ]);
  });

  it('stores it, lists it, and it signs me in without a password as multi-factor', async () => {
    const user = await server.register();
    const authenticator = new SoftAuthenticator();
    const added = await addPasskey(server, user.accessToken, authenticator, 'Laptop');
    expect(added).toMatchObject({ name: 'Laptop', lastUsedAt: null, deviceType: 'SINGLE_DEVICE', backedUp: false });
    expect(await myPasskeys(user.accessToken)).toEqual([expect.objectContaining({ id: added.id, name: 'Laptop' })]);

    const before = Math.floor(server.clock.now() / 1000);
    const tokens = tokensOf(await signInWithPasskey(server, authenticator, { email: user.user.email }));
    expect(tokens.user.id).toBe(user.user.id);
    const claims = decodeJwtPart(tokens.accessToken, 1);
    expect(claims.amr).toEqual(['hwk', 'user', 'mfa']);
    expect(claims.auth_time).toBeGreaterThanOrEqual(before);
    expect(claims.auth_time).toBeLessThanOrEqual(Math.floor(server.clock.now() / 1000));
    expect((await server.gql(ME, {}, { token: tokens.accessToken })).errors).toBeUndefined();
    const [listed] = await myPasskeys(tokens.accessToken);
    expect(listed?.lastUsedAt).not.toBeNull();
  });

  it('counts a synced passkey as a software key', async () => {
    const user = await server.register();
    const authenticator = new SoftAuthenticator({ backedUp: true });
    const added = await addPasskey(server, user.accessToken, authenticator);
    expect(added).toMatchObject({ name: 'Passkey', deviceType: 'MULTI_DEVICE', backedUp: true });
    const tokens = tokensOf(await signInWithPasskey(server, authenticator));
    expect(decodeJwtPart(tokens.accessToken, 1).amr).toEqual(['swk', 'user', 'mfa']);
  });

  it('refuses a passkey made without user verification, and one answering another challenge', async () => {
    const user = await server.register();
    const unverified = await registerPasskey(server, user.accessToken, new SoftAuthenticator(), {
      tweaks: { userVerified: false },
    });
    expectRefused(unverified.answer, /user could not be verified/i);
    const foreign = await registerPasskey(server, user.accessToken, new SoftAuthenticator(), {
      tweaks: { clientData: (data) => ({ ...data, challenge: 'bm90IG91ciBjaGFsbGVuZ2U' }) },
    });
    expectRefused(foreign.answer, /^unknown or spent challenge$/);
    const otherOrigin = await registerPasskey(server, user.accessToken, new SoftAuthenticator(), {
      tweaks: { origin: 'https://evil.example' },
    });
    expectRefused(otherOrigin.answer, /origin.*evil\.example/i);
    expect(await myPasskeys(user.accessToken)).toEqual([]);
  });

  it("refuses my registration answered to another user's challenge", async () => {
    const alice = await server.register();
    const mallory = await server.register();
    const creation = await startRegistration(server, alice.accessToken);
    const { response } = new SoftAuthenticator().register(creation);
    const answer = await server.gql(
      'mutation F($response: JSONObject!) { finishPasskeyRegistration(response: $response) { id } }',
      { response },
      { token: mallory.accessToken },
    );
    expectRefused(answer, /^registration challenge of another user$/);
  });

  it('ends my other sessions and their sockets, keeps this one, audits it and mails a notice', async () => {
    const user = await server.register();
    const phone = await server.login(user.user.email, user.password);
    const socket = await watch<unknown>(
      server.url,
      phone.accessToken,
      'subscription { sessionEvents { kind reason } }',
    );
    const authenticator = new SoftAuthenticator();
    const added = await addPasskey(server, user.accessToken, authenticator, 'Key');
    expect(await socket.live.closed).toEqual({ code: 4403, reason: 'TOKEN_REVOKED: second factor changed' });
    const other = await server.gql(ME, {}, { token: phone.accessToken });
    expect(errorCode(other)).toBe('TOKEN_REVOKED');
    expect(other.errors?.[0]?.extensions?.reason).toBe('second factor changed');
    expect((await server.gql(ME, {}, { token: user.accessToken })).errors).toBeUndefined();

    const laptop = tokensOf(await signInWithPasskey(server, authenticator, { email: user.user.email }));
    const steppedUp = await stepUpWithPasskey(server, user.accessToken, authenticator);
    const removed = await server.gql(REMOVE_PASSKEY, { id: added.id }, { token: steppedUp.accessToken });
    expect(removed.data).toEqual({ removePasskey: true });
    expect(errorCode(await server.gql(ME, {}, { token: laptop.accessToken }))).toBe('TOKEN_REVOKED');
    expect((await server.gql(ME, {}, { token: steppedUp.accessToken })).errors).toBeUndefined();

    const events = await auditOf(user.user.id);
    expect(events.find((e) => e.action === 'PASSKEY_ADDED')).toMatchObject({
      actorId: user.user.id,
      reason: '"Key"; 1 other sessions ended',
    });
    expect(events.find((e) => e.action === 'PASSKEY_REMOVED')).toMatchObject({
      reason: '"Key"; 1 other sessions ended',
    });
    const mails = await server.database.db
      .select({ kind: mailOutbox.kind, subject: mailOutbox.subject })
      .from(mailOutbox)
      .where(eq(mailOutbox.recipient, user.user.email));
    expect(mails.filter((m) => m.kind === 'passkey_changed').map((m) => m.subject)).toEqual([
      'A passkey was added to your account',
      'A passkey was removed from your account',
    ]);
  });
});

describe('removing a passkey', () => {
  it('stops it signing me in', async () => {
    const user = await server.register();
    const authenticator = new SoftAuthenticator();
    const added = await addPasskey(server, user.accessToken, authenticator);
    const { accessToken } = await stepUpWithPasskey(server, user.accessToken, authenticator);
    expect((await server.gql(REMOVE_PASSKEY, { id: added.id }, { token: accessToken })).errors).toBeUndefined();
    expect(await myPasskeys(accessToken)).toEqual([]);
    expectRefused(
      await signInWithPasskey(server, authenticator, { tweaks: { credential: added.credential } }),
      /^unknown credential$/,
    );
  });

  it("answers NOT_FOUND for someone else's passkey, as for an unknown or malformed id", async () => {
    const owner = await server.register();
    const other = await server.register();
    const added = await addPasskey(server, owner.accessToken, new SoftAuthenticator());
    for (const id of [added.id, '00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      const answer = await server.gql(REMOVE_PASSKEY, { id }, { token: other.accessToken });
      expect(errorCode(answer)).toBe('NOT_FOUND');
    }
    expect(await myPasskeys(owner.accessToken)).toHaveLength(1);
  });
});

describe('the store seams for the other factors', () => {
  it('counts a user’s passkeys and removes them all', async () => {
    const user = await server.register();
    const other = await server.register();
    const authenticator = new SoftAuthenticator();
    await addPasskey(server, user.accessToken, authenticator);
    const { accessToken } = await stepUpWithPasskey(server, user.accessToken, authenticator);
    await addPasskey(server, accessToken, authenticator);
    await addPasskey(server, other.accessToken, new SoftAuthenticator());
    const { db } = server.database;
    expect(await countPasskeys(db, user.user.id)).toBe(2);
    expect(await db.transaction((tx) => removeAllPasskeys(tx, user.user.id))).toBe(2);
    expect(await countPasskeys(db, user.user.id)).toBe(0);
    expect(await countPasskeys(db, other.user.id)).toBe(1);
    expectRefused(
      await signInWithPasskey(server, authenticator, { tweaks: { credential: authenticator.credentials[0] } }),
      /^unknown credential$/,
    );
  });
});

describe('signing in with a passkey', () => {
  it('without an email, offers any discoverable passkey', async () => {
    const user = await server.register();
    const authenticator = new SoftAuthenticator();
    await addPasskey(server, user.accessToken, authenticator);
    const request = await startSignIn(server);
    expect(request).toMatchObject({ rpId: 'localhost', userVerification: 'required', allowCredentials: [] });
    const tokens = tokensOf(await finishSignIn(server, authenticator.assert(request)));
    expect(tokens.user.id).toBe(user.user.id);
  });

  it('with an email, allows that account’s passkeys; an unknown address looks like an account', async () => {
    const user = await server.register();
    const added = await addPasskey(server, user.accessToken, new SoftAuthenticator());
    const allowed = async (email: string) =>
      ((await startSignIn(server, email)).allowCredentials as Array<{ id: string }>).map((c) => c.id);
    expect(await allowed(user.user.email)).toEqual([added.credential.id.toString('base64url')]);

    const unknown = await allowed('nobody-here@example.com');
    const withoutPasskeys = await allowed((await server.register()).user.email);
    expect(unknown).toHaveLength(1);
    expect(await allowed('nobody-here@example.com')).toEqual(unknown);
    expect(withoutPasskeys).toHaveLength(1);
    expect(unknown[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses malformed responses alike, before any query can choke on them', async () => {
    const user = await server.register();
    const authenticator = new SoftAuthenticator();
    await addPasskey(server, user.accessToken, authenticator);
    const genuine = authenticator.assert(await startSignIn(server));
    const clientData = (value: unknown) => ({
      ...genuine,
      response: {
        ...(genuine.response as object),
        clientDataJSON: Buffer.from(JSON.stringify(value)).toString('base64url'),
      },
    });
    const malformed: Array<[Record<string, unknown>, RegExp]> = [
      [{}, /without readable client data/],
      [{ response: 'text' }, /without readable client data/],
      [{ response: { clientDataJSON: 'not json at all' } }, /without readable client data/],
      [clientData({ type: 'webauthn.get', challenge: 'a\u0000b' }), /without readable client data/],
      [clientData({ type: 'webauthn.get', challenge: 'x'.repeat(5000) }), /without readable client data/],
      [{ ...authenticator.assert(await startSignIn(server)), id: 'a\u0000b' }, /^unknown credential$/],
    ];
    for (const [response, why] of malformed) expectRefused(await finishSignIn(server, response), why);
    const { accessToken } = await stepUpWithPasskey(server, user.accessToken, authenticator);
    const named = await registerPasskey(server, accessToken, authenticator, { name: 'bad\u0000name' });
    expect(errorCode(named.answer)).toBe('BAD_USER_INPUT');
  });

  it('refuses a challenge used twice', async () => {
    const user = await server.register();
    const authenticator = new SoftAuthenticator();
    await addPasskey(server, user.accessToken, authenticator);
    const response = authenticator.assert(await startSignIn(server));
    tokensOf(await finishSignIn(server, response));
    expectRefused(await finishSignIn(server, response), /^unknown or spent challenge$/);
  });

  it('refuses a challenge older than five minutes', async () => {
    const user = await server.register();
    const authenticator = new SoftAuthenticator();
    await addPasskey(server, user.accessToken, authenticator);
    const request = await startSignIn(server);
    server.clock.advance(5 * 60 * 1000 + 1000);
    expectRefused(await finishSignIn(server, authenticator.assert(request)), /^expired challenge$/);
    // The cleanup deletes the challenges nobody finished once they have expired.
    const unfinished = await startSignIn(server);
    server.clock.advance(5 * 60 * 1000 + 1000);
    const { db } = server.database;
    const left = () =>
      db
        .select()
        .from(webauthnChallenges)
        .where(eq(webauthnChallenges.challenge, String(unfinished.challenge)));
    expect(await left()).toHaveLength(1);
    expect(await server.server.services.passkeyCeremonies.purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await left()).toHaveLength(0);
  });

  it('refuses a signature counter that went backwards, and audits a possible clone', async () => {
    const user = await server.register();
    const authenticator = new SoftAuthenticator();
    await addPasskey(server, user.accessToken, authenticator);
    tokensOf(await signInWithPasskey(server, authenticator, { tweaks: { counter: 7 } }));
    expectRefused(
      await signInWithPasskey(server, authenticator, { tweaks: { counter: 7 } }),
      /^signature counter went backwards$/,
    );
    expectRefused(
      await signInWithPasskey(server, authenticator, { tweaks: { counter: 3 } }),
      /^signature counter went backwards$/,
    );
    const rollbacks = (await auditOf(user.user.id)).filter((e) => e.action === 'PASSKEY_COUNTER_ROLLBACK');
    expect(rollbacks).toHaveLength(2);
    expect(rollbacks.map((e) => e.reason)).toContainEqual(expect.stringContaining('counter 3 after 7'));
    // The genuine authenticator, moving on, still works.
    tokensOf(await signInWithPasskey(server, authenticator, { tweaks: { counter: 8 } }));
  });

  it.each([
    ['from another origin', { origin: 'https://evil.example' }, /origin.*evil\.example/i],
    ['for another relying party id', { rpId: 'evil.example' }, /RP ID/i],
    ['without user verification', { userVerified: false }, /user could not be verified/i],
    [
      'with client data changed after signing',
      { clientData: (d: Record<string, unknown>) => ({ ...d, crossOrigin: true }) },
      /^assertion not verified$/,
    ],
  ])('refuses an assertion %s', async (_label, tweaks, why) => {
    const user = await server.register();
    const authenticator = new SoftAuthenticator();
    await addPasskey(server, user.accessToken, authenticator);
    expectRefused(await signInWithPasskey(server, authenticator, { tweaks }), why);
    // Nothing was spent but the challenge: the passkey still signs in.
    tokensOf(await signInWithPasskey(server, authenticator));
  });

  it("refuses a signature made with another key under a registered credential's id", async () => {
    const victim = await server.register();
    const victims = new SoftAuthenticator();
    const added = await addPasskey(server, victim.accessToken, victims);
    const attacker = new SoftAuthenticator();
    const forged = (await registerPasskey(server, (await server.register()).accessToken, attacker)).credential;
    const request = await startSignIn(server);
    const answer = attacker.assert(request, {
      credential: { ...forged, id: added.credential.id, userHandle: added.credential.userHandle },
    });
    expectRefused(await finishSignIn(server, answer), /^assertion not verified$/);
  });

  it("refuses another account's passkey for a named account, or while signed in as someone else", async () => {
    const alice = await server.register();
    const bob = await server.register();
    const alices = new SoftAuthenticator();
    await addPasskey(server, alice.accessToken, alices);
    await addPasskey(server, bob.accessToken, new SoftAuthenticator());
    // Asked for Bob, answered with Alice's passkey.
    const forBob = await startSignIn(server, bob.user.email);
    expectRefused(await finishSignIn(server, alices.assert({ ...forBob, allowCredentials: [] })), /one named$/);
    // Bob signed in, stepping up with Alice's passkey.
    expectRefused(await signInWithPasskey(server, alices, { token: bob.accessToken }), /signed-in one$/);
    expect(decodeJwtPart(bob.accessToken, 1).sub).toBe(bob.user.id);
  });

  it('signed in already, steps the same session up with a fresh pair', async () => {
    const user = await server.register();
    const authenticator = new SoftAuthenticator();
    await addPasskey(server, user.accessToken, authenticator);
    const before = decodeJwtPart(user.accessToken, 1);
    expect(before.amr).toEqual(['pwd']);
    server.clock.advance(2000);
    const stepped = tokensOf(await signInWithPasskey(server, authenticator, { token: user.accessToken }));
    const after = decodeJwtPart(stepped.accessToken, 1);
    expect(after.sid).toBe(before.sid);
    expect(after.amr).toEqual(['hwk', 'user', 'mfa']);
    expect(after.auth_time).toBeGreaterThan(before.auth_time as number);
    // Refreshing keeps what the step-up proved.
    const refreshed = await server.gql<{ refreshToken: AuthPayloadData }>(REFRESH, {
      refreshToken: stepped.refreshToken,
    });
    expect(decodeJwtPart(refreshed.data?.refreshToken.accessToken ?? '', 1)).toMatchObject({
      sid: before.sid,
      amr: ['hwk', 'user', 'mfa'],
      auth_time: after.auth_time,
    });
  });
});
