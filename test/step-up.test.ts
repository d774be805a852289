import { printAppSchema } from '../src/graphql/schema';
import { CHANGE_EMAIL } from './support/email-verification';
import { decodeJwtPart, forgeJwt } from './support/forge';
import { errorCode, type GraphQLResponse } from './support/graphql-client';
import { expectRefused, newAddress, THROTTLE_ENV } from './support/login-throttle';
import {
  AUDIT_EVENTS_OF,
  CHANGE_PASSWORD,
  ME,
  MY_SESSIONS,
  REAUTHENTICATE,
  REFRESH,
  REVOKE_SIGNING_KEY,
  REVOKE_USER_TOKENS,
  ROTATE_SIGNING_KEY,
  UPDATE_USER,
  USERS,
  type AuthPayloadData,
} from './support/operations';
import { StepUpAppResolver } from './support/sample-app';
import { useTestServer } from './support/shared-server';
import { newestHmacKey } from './support/signing-keys';
import { parseChallenge, PAST_STEP_UP_MS, reauthenticate } from './support/step-up';
import { ADMIN_PASSWORD, uniqueEmail, type TestServer } from './support/test-server';
import { connectLive } from './support/ws-client';

const NEW_PASSWORD = 'a brand new password for tests';

const changePassword = (server: TestServer, token: string, currentPassword: string) =>
  server.gql<{ changePassword: AuthPayloadData }>(
    CHANGE_PASSWORD,
    { currentPassword, newPassword: NEW_PASSWORD },
    { token },
  );

/** RFC 9470 §3: 401, STEP_UP_REQUIRED, and a Bearer challenge with insufficient_user_authentication and max_age. */
function expectStepUpChallenge(response: GraphQLResponse<unknown>, maxAgeSeconds = 600): void {
  expect(response.status).toBe(401);
  expect(errorCode(response)).toBe('STEP_UP_REQUIRED');
  expect(response.errors?.[0]?.extensions?.maxAge).toBe(maxAgeSeconds);
  const challenge = parseChallenge(response.headers.get('www-authenticate'));
  expect(challenge.scheme).toBe('Bearer');
  expect(challenge.params).toEqual({
    error: 'insufficient_user_authentication',
    error_description: expect.stringMatching(/reauthenticate/) as unknown,
    max_age: String(maxAgeSeconds),
  });
  expect(response.text).not.toMatch(/stacktrace|node_modules/);
}

const claimsOf = (token: string) => decodeJwtPart(token, 1);

describe('fields behind step-up', () => {
  const server = useTestServer({ env: THROTTLE_ENV });

  it('answer a fresh sign-in', async () => {
    const user = await server.register();
    const changed = await changePassword(server, user.accessToken, user.password);
    expect(changed.errors).toBeUndefined();
    expect(changed.data?.changePassword.accessToken).toEqual(expect.any(String));
  });

  it('ask a sign-in older than STEP_UP_MAX_AGE_SECONDS to step up, with the RFC 9470 challenge; a refresh does not help', async () => {
    const user = await server.register();
    server.clock.advance(PAST_STEP_UP_MS);
    expectStepUpChallenge(await changePassword(server, user.accessToken, user.password));
    const changeEmail = await server.gql(
      CHANGE_EMAIL,
      { newEmail: uniqueEmail('moved'), password: user.password },
      { token: user.accessToken },
    );
    expectStepUpChallenge(changeEmail);
    // Fields without step-up answer the same token as before.
    const me = await server.gql<{ me: { id: string } }>(ME, {}, { token: user.accessToken });
    expect(me.data?.me.id).toBe(user.user.id);
    expect((await server.gql(MY_SESSIONS, {}, { token: user.accessToken })).errors).toBeUndefined();

    const refreshed = await server.gql<{ refreshToken: AuthPayloadData }>(REFRESH, { refreshToken: user.refreshToken });
    const renewed = refreshed.data?.refreshToken;
    if (!renewed) throw new Error(JSON.stringify(refreshed.errors));
    expect(claimsOf(renewed.accessToken).auth_time).toBe(claimsOf(user.accessToken).auth_time);
    expectStepUpChallenge(await changePassword(server, renewed.accessToken, user.password));
  });

  it('refuse a token that does not say when its user authenticated', async () => {
    const user = await server.register();
    const { kid, secret } = await newestHmacKey(server);
    const claims = Object.fromEntries(
      Object.entries(claimsOf(user.accessToken)).filter(([key]) => key !== 'auth_time'),
    );
    const withoutAuthTime = forgeJwt({ alg: 'HS256', typ: 'at+jwt', kid }, claims, secret);
    expect((await server.gql(ME, {}, { token: withoutAuthTime })).errors).toBeUndefined();
    expectStepUpChallenge(await changePassword(server, withoutAuthTime, user.password));
  });

  it('answer again after reauthenticate, which renews the same session and refuses the old access token', async () => {
    const user = await server.register();
    const before = claimsOf(user.accessToken);
    server.clock.advance(PAST_STEP_UP_MS);
    expectStepUpChallenge(await changePassword(server, user.accessToken, user.password));

    const stepped = await reauthenticate(server, user.accessToken, user.password);
    const after = claimsOf(stepped.accessToken);
    expect(after.sid).toBe(before.sid);
    expect(after.amr).toEqual(['pwd']);
    expect(Number(after.auth_time)).toBeGreaterThanOrEqual(Number(before.auth_time) + 600);
    expect(Math.abs(Number(after.auth_time) - server.clock.now() / 1000)).toBeLessThan(5);
    expect(stepped.refreshToken).not.toBe(user.refreshToken);
    expect(errorCode(await server.gql(ME, {}, { token: user.accessToken }))).toBe('TOKEN_REVOKED');
    const sessions = await server.gql<{ mySessions: Array<{ id: string }> }>(
      MY_SESSIONS,
      {},
      { token: stepped.accessToken },
    );
    expect(sessions.data?.mySessions.map((session) => session.id)).toEqual([before.sid]);

    const changed = await changePassword(server, stepped.accessToken, user.password);
    expect(changed.errors).toBeUndefined();

    // The new refresh token keeps the new auth_time.
    const refreshed = await server.gql<{ refreshToken: AuthPayloadData }>(REFRESH, {
      refreshToken: changed.data?.changePassword.refreshToken,
    });
    expect(claimsOf(refreshed.data?.refreshToken.accessToken ?? '').auth_time).toBe(after.auth_time);

    const admin = await server.loginAdmin();
    const audit = await server.gql<{
      auditEvents: { edges: Array<{ node: { action: string; targetSessionId: string; reason: string } }> };
    }>(AUDIT_EVENTS_OF, { userId: user.user.id, first: 10 }, { token: admin.accessToken });
    expect(audit.data?.auditEvents.edges.map((edge) => edge.node)).toContainEqual(
      expect.objectContaining({ action: 'REAUTHENTICATED', targetSessionId: before.sid, reason: 'amr: pwd' }),
    );
  });

  it('reauthenticate with a wrong password answers as a login does, and is throttled as one', async () => {
    const user = await server.register();
    const address = { headers: { 'x-forwarded-for': newAddress() } };
    const attempt = (password: string) =>
      server.gql(REAUTHENTICATE, { password }, { token: user.accessToken, ...address });
    for (let i = 0; i < 3; i += 1) {
      const wrong = await attempt('not the password at all');
      expect(errorCode(wrong)).toBe('UNAUTHENTICATED');
      expect(wrong.errors?.[0]?.message).toBe('Invalid email or password.');
    }
    expectRefused(await attempt(user.password), 1);
    // Nothing was renewed: the token still works.
    expect((await server.gql(ME, {}, { token: user.accessToken })).errors).toBeUndefined();
  });

  it('reauthenticate needs exactly one of password and code, and a code only on an account with a second factor', async () => {
    const user = await server.register();
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{}, /password/],
      [{ password: user.password, code: '123456' }, /not both/],
      [{ code: '123456' }, /no second factor/],
    ];
    for (const [variables, message] of cases) {
      const answer = await server.gql(REAUTHENTICATE, variables, { token: user.accessToken });
      expect(errorCode(answer)).toBe('BAD_USER_INPUT');
      expect(answer.status).toBe(400);
      expect(answer.errors?.[0]?.message).toMatch(message);
    }
    expect(errorCode(await server.gql(REAUTHENTICATE, { password: user.password }))).toBe('UNAUTHENTICATED');
  });

  it('cover the administrators’ account and key mutations, while their other fields answer', async () => {
    const user = await server.register();
    const admin = await server.loginAdmin();
    server.clock.advance(PAST_STEP_UP_MS);
    const token = { token: admin.accessToken };
    expectStepUpChallenge(await server.gql(REVOKE_USER_TOKENS, { userId: user.user.id }, token));
    expectStepUpChallenge(await server.gql(UPDATE_USER, { id: user.user.id, disabled: true }, token));
    expectStepUpChallenge(await server.gql(ROTATE_SIGNING_KEY, {}, token));
    expectStepUpChallenge(await server.gql(REVOKE_SIGNING_KEY, { kid: 'any-kid' }, token));
    expect((await server.gql(USERS, { first: 1 }, token)).errors).toBeUndefined();
    // Nothing was done: the user is still enabled and signed in.
    expect((await server.gql(ME, {}, { token: user.accessToken })).errors).toBeUndefined();

    const stepped = await reauthenticate(server, admin.accessToken, ADMIN_PASSWORD);
    const updated = await server.gql<{ updateUser: { disabled: boolean } }>(
      UPDATE_USER,
      { id: user.user.id, disabled: true },
      { token: stepped.accessToken },
    );
    expect(updated.data?.updateUser.disabled).toBe(true);
  });
});

describe('a subscription behind step-up', () => {
  const server = useTestServer({ resolvers: [StepUpAppResolver] });

  it('starts for a fresh sign-in and is refused where it starts for a stale one', async () => {
    const user = await server.register();
    const subscribe = async (token: string) => {
      const client = connectLive(server.url, { token });
      await client.connected;
      const ticks = client.subscribe<{ sensitiveTick: number }>('subscription { sensitiveTick }');
      await ticks.done;
      await client.dispose();
      return ticks.results;
    };
    expect((await subscribe(user.accessToken)).map((result) => result.data)).toEqual([
      { sensitiveTick: 1 },
      { sensitiveTick: 2 },
    ]);
    server.clock.advance(PAST_STEP_UP_MS);
    const [refused, ...rest] = await subscribe(user.accessToken);
    expect(refused?.errors?.[0]?.extensions?.code).toBe('STEP_UP_REQUIRED');
    expect(refused?.data ?? null).toBeNull();
    expect(rest).toEqual([]);
  });
});

describe('ADMIN_REQUIRE_MFA=true', () => {
  const server = useTestServer({ env: { ADMIN_REQUIRE_MFA: 'true', NODE_ENV: 'production', ADMIN_SANDBOX: 'true' } });

  it('refuses an administrator without a second factor on ADMIN fields, but not introspection or USER fields', async () => {
    const admin = await server.loginAdmin();
    const token = { token: admin.accessToken };
    const users = await server.gql(USERS, { first: 1 }, token);
    expect(users.status).toBe(403);
    expect(errorCode(users)).toBe('MFA_ENROLLMENT_REQUIRED');
    expect(users.data ?? null).toBeNull();
    expect(errorCode(await server.gql(ROTATE_SIGNING_KEY, {}, token))).toBe('MFA_ENROLLMENT_REQUIRED');

    const introspection = await server.gql<{ __schema: { mutationType: { name: string } } }>(
      '{ __schema { mutationType { name } } }',
      {},
      token,
    );
    expect(introspection.errors).toBeUndefined();
    expect(introspection.data?.__schema.mutationType.name).toBe('Mutation');
    expect((await server.gql(ME, {}, token)).errors).toBeUndefined();
    expect((await reauthenticate(server, admin.accessToken, ADMIN_PASSWORD)).accessToken).toEqual(expect.any(String));
  });

  it('leaves users alone', async () => {
    const user = await server.register();
    expect((await changePassword(server, user.accessToken, user.password)).errors).toBeUndefined();
  });
});

/** The arguments of the @auth a root field of the printed schema carries. */
const authOf = (sdl: string, field: string) =>
  new RegExp(`\\n {2}${field}[(:][\\s\\S]*?@auth\\(([^)]*)\\)`).exec(sdl)?.[1];

it('prints the directive with its stepUp argument, and the fields behind it', () => {
  const sdl = printAppSchema();
  expect(sdl).toContain('directive @auth(requires: Role = USER, stepUp: Boolean = false) on FIELD_DEFINITION | OBJECT');
  for (const field of ['changePassword', 'changeEmail']) {
    expect(authOf(sdl, field)).toBe('requires: USER, stepUp: true');
  }
  for (const field of ['revokeUserTokens', 'updateUser', 'rotateSigningKey', 'revokeSigningKey']) {
    expect(authOf(sdl, field)).toBe('requires: ADMIN, stepUp: true');
  }
  for (const field of ['reauthenticate', 'me', 'mySessions', 'logout'])
    expect(authOf(sdl, field)).toBe('requires: USER');
  for (const field of ['users', 'revokeToken', 'signingKeys']) expect(authOf(sdl, field)).toBe('requires: ADMIN');
});
