import { randomBytes } from 'node:crypto';
import { decodeJwtPart } from './support/forge';
import { errorCode } from './support/graphql-client';
import {
  Authenticator,
  completeLogin,
  enrolTotp,
  loginForMfa,
  loginWithTotp,
  ME_MFA,
  nextStep,
  stepUpWithCode,
  REGENERATE_CODES,
  type MfaStatusData,
} from './support/mfa';
import { AUDIT_EVENTS_OF, CHANGE_PASSWORD, LOGIN, ME, REFRESH, type AuditEventData } from './support/operations';
import { useServerWithAdmin } from './support/shared-server';
import { uniqueEmail } from './support/test-server';

const shared = useServerWithAdmin({
  // Every request comes from 127.0.0.1: only the per-user count of wrong codes is under test.
  env: { LOGIN_THROTTLE_EMAIL_FREE: '3', LOGIN_THROTTLE_EMAIL_MAX: '5', LOGIN_THROTTLE_ADDRESS_MAX: '0' },
});
const { server } = shared;

/** An account with TOTP on, whose access token has stepped up with a code (as the fields behind step-up want). */
async function userWithTotp() {
  const user = await server.register();
  const enrolled = await enrolTotp(server, user.accessToken);
  const steppedUp = await stepUpWithCode(server, user.accessToken, enrolled.authenticator);
  return { ...user, ...steppedUp, ...enrolled, email: user.user.email };
}

/** A wrong code for this authenticator: the right one with its last digit changed. */
const wrongCode = (right: string) => `${right.slice(0, 5)}${(Number(right[5]) + 1) % 10}`;

describe('login on an account with TOTP', () => {
  it('answers MFA_REQUIRED with an mfaToken and the methods, and no tokens', async () => {
    const user = await userWithTotp();
    const { response, mfaToken, methods } = await loginForMfa(server, user.email, user.password);
    expect(response.status).toBe(403);
    expect(response.data?.valueOf()).toBeFalsy();
    expect(response.text).not.toMatch(/accessToken"\s*:\s*"/);
    expect(mfaToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(methods).toEqual(['TOTP', 'RECOVERY_CODE']);
    // The wrong password still answers UNAUTHENTICATED: MFA_REQUIRED says the password was right.
    expect(errorCode(await server.gql(LOGIN, { email: user.email, password: 'not the password at all' }))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('completes with a TOTP code: amr pwd, otp, mfa; the token works and refreshes', async () => {
    const user = await userWithTotp();
    nextStep(server);
    const { mfaToken } = await loginForMfa(server, user.email, user.password);
    const response = await completeLogin(server, mfaToken, user.authenticator.codeAt(server));
    expect(response.errors).toBeUndefined();
    const payload = response.data?.completeLogin;
    if (!payload) throw new Error('no payload');
    const claims = decodeJwtPart(payload.accessToken, 1);
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(claims.sub).toBe(user.user.id);
    expect((await server.gql(ME, {}, { token: payload.accessToken })).errors).toBeUndefined();
    const refreshed = await server.gql<{ refreshToken: { accessToken: string } }>(REFRESH, {
      refreshToken: payload.refreshToken,
    });
    expect(decodeJwtPart(refreshed.data?.refreshToken.accessToken ?? '', 1).amr).toEqual(['pwd', 'otp', 'mfa']);

    // The mfaToken is spent: another right code does not open a second session with it.
    nextStep(server);
    expect(errorCode(await completeLogin(server, mfaToken, user.authenticator.codeAt(server)))).toBe(
      'INVALID_MFA_TOKEN',
    );
  });

  it('refuses a code already accepted, even in a new sign-in, and a wrong one, keeping the mfaToken alive', async () => {
    const user = await userWithTotp();
    nextStep(server);
    const code = user.authenticator.codeAt(server);
    const first = await loginForMfa(server, user.email, user.password);
    expect((await completeLogin(server, first.mfaToken, code)).errors).toBeUndefined();

    const second = await loginForMfa(server, user.email, user.password);
    const replayed = await completeLogin(server, second.mfaToken, code);
    expect(errorCode(replayed)).toBe('INVALID_CODE');
    expect(replayed.status).toBe(400);
    expect(errorCode(await completeLogin(server, second.mfaToken, wrongCode(code)))).toBe('INVALID_CODE');
    // The same mfaToken still finishes with the next step's code.
    nextStep(server);
    expect((await completeLogin(server, second.mfaToken, user.authenticator.codeAt(server))).errors).toBeUndefined();
  });

  it('lets only one of two concurrent completions with the same code through', async () => {
    const user = await userWithTotp();
    nextStep(server);
    const code = user.authenticator.codeAt(server);
    const [a, b] = await Promise.all([
      loginForMfa(server, user.email, user.password),
      loginForMfa(server, user.email, user.password),
    ]);
    const answers = await Promise.all([
      completeLogin(server, a.mfaToken, code),
      completeLogin(server, b.mfaToken, code),
    ]);
    expect(answers.map((answer) => errorCode(answer) ?? 'ok').sort()).toEqual(['INVALID_CODE', 'ok']);
  });

  it('throttles wrong codes per user: TOO_MANY_REQUESTS with retryAfter, even for the right code', async () => {
    const user = await userWithTotp();
    nextStep(server);
    const { mfaToken } = await loginForMfa(server, user.email, user.password);
    const right = user.authenticator.codeAt(server);
    const codes: Array<string | undefined> = [];
    for (let i = 0; i < 6; i += 1) codes.push(errorCode(await completeLogin(server, mfaToken, wrongCode(right))));
    expect(codes.slice(0, 3)).toEqual(['INVALID_CODE', 'INVALID_CODE', 'INVALID_CODE']);
    expect(codes).toContain('TOO_MANY_REQUESTS');
    const refused = await completeLogin(server, mfaToken, right);
    expect(errorCode(refused)).toBe('TOO_MANY_REQUESTS');
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions?.retryAfter).toEqual(expect.any(Number));
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('refuses an expired, made-up, malformed or foreign mfaToken with INVALID_MFA_TOKEN', async () => {
    const alice = await userWithTotp();
    const bob = await userWithTotp();
    nextStep(server);
    const aliceLogin = await loginForMfa(server, alice.email, alice.password);
    // Alice's token with Bob's code: the token is bound to Alice, so Bob's code is just wrong for it.
    expect(errorCode(await completeLogin(server, aliceLogin.mfaToken, bob.authenticator.codeAt(server)))).toBe(
      'INVALID_CODE',
    );
    // Tokens the service gave for something else are no mfaToken.
    for (const foreign of [bob.refreshToken, bob.accessToken]) {
      expect(errorCode(await completeLogin(server, foreign, alice.authenticator.codeAt(server)))).toBe(
        'INVALID_MFA_TOKEN',
      );
    }
    const madeUp = randomBytes(32).toString('base64url');
    const answer = await completeLogin(server, madeUp, alice.authenticator.codeAt(server));
    expect(errorCode(answer)).toBe('INVALID_MFA_TOKEN');
    expect(answer.status).toBe(400);
    expect(errorCode(await completeLogin(server, 'not a token', alice.authenticator.codeAt(server)))).toBe(
      'INVALID_MFA_TOKEN',
    );

    // Five minutes on, the token is dead even with the right code.
    server.clock.advance(5 * 60_000 + 1000);
    expect(errorCode(await completeLogin(server, aliceLogin.mfaToken, alice.authenticator.codeAt(server)))).toBe(
      'INVALID_MFA_TOKEN',
    );
  });

  it('accepts a recovery code once (any case, with or without the dash): amr pwd, mfa; audited', async () => {
    const user = await userWithTotp();
    const [code] = user.recoveryCodes;
    if (!code) throw new Error('no recovery codes');
    expect(user.recoveryCodes).toHaveLength(10);
    expect(new Set(user.recoveryCodes).size).toBe(10);
    for (const each of user.recoveryCodes) expect(each).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);

    const first = await loginForMfa(server, user.email, user.password);
    const typed = code.toUpperCase().replace('-', '');
    const response = await completeLogin(server, first.mfaToken, typed);
    expect(response.errors).toBeUndefined();
    const payload = response.data?.completeLogin;
    expect(decodeJwtPart(payload?.accessToken ?? '', 1).amr).toEqual(['pwd', 'mfa']);

    const status = await server.gql<{ me: { mfa: MfaStatusData } }>(ME_MFA, {}, { token: payload?.accessToken });
    expect(status.data?.me.mfa).toEqual({ totp: true, recoveryCodesLeft: 9 });

    const second = await loginForMfa(server, user.email, user.password);
    expect(errorCode(await completeLogin(server, second.mfaToken, code))).toBe('INVALID_CODE');

    const audit = await server.gql<{ auditEvents: { edges: Array<{ node: AuditEventData }> } }>(
      AUDIT_EVENTS_OF,
      { userId: user.user.id, first: 50 },
      { token: shared.admin.accessToken },
    );
    const actions = audit.data?.auditEvents.edges.map((edge) => edge.node.action) ?? [];
    expect(actions.filter((action) => action === 'RECOVERY_CODE_USED')).toHaveLength(1);
    expect(actions).toContain('MFA_ENABLED');
  });

  it('voids the old recovery codes when new ones are made', async () => {
    const user = await userWithTotp();
    nextStep(server);
    const regenerated = await server.gql<{ regenerateRecoveryCodes: string[] }>(
      REGENERATE_CODES,
      { code: user.authenticator.codeAt(server) },
      { token: user.accessToken },
    );
    expect(regenerated.errors).toBeUndefined();
    const fresh = regenerated.data?.regenerateRecoveryCodes ?? [];
    expect(fresh).toHaveLength(10);
    expect(fresh.some((code) => user.recoveryCodes.includes(code))).toBe(false);

    const first = await loginForMfa(server, user.email, user.password);
    expect(errorCode(await completeLogin(server, first.mfaToken, user.recoveryCodes[0] ?? ''))).toBe('INVALID_CODE');
    expect((await completeLogin(server, first.mfaToken, fresh[0] ?? '')).errors).toBeUndefined();
  });

  it('signs in without a second factor on an account without one, as before', async () => {
    const email = uniqueEmail('plain');
    const user = await server.register(email);
    const payload = await server.login(email, user.password);
    expect(decodeJwtPart(payload.accessToken, 1).amr).toEqual(['pwd']);
  });

  it('an authenticator that never saw the secret cannot sign in', async () => {
    const user = await userWithTotp();
    const stranger = new Authenticator('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    const { mfaToken } = await loginForMfa(server, user.email, user.password);
    expect(errorCode(await completeLogin(server, mfaToken, stranger.codeAt(server)))).toBe('INVALID_CODE');
    expect((await loginWithTotp(server, user.email, user.password, user.authenticator)).accessToken).toBeTruthy();
  });
});

describe('a sign-in waiting for its second factor', () => {
  it('cannot finish once the password it was begun with has changed', async () => {
    const user = await userWithTotp();
    nextStep(server);
    const { mfaToken } = await loginForMfa(server, user.email, user.password);
    const changed = await server.gql(
      CHANGE_PASSWORD,
      { currentPassword: user.password, newPassword: 'a password the intruder does not know' },
      { token: user.accessToken },
    );
    expect(changed.errors).toBeUndefined();
    expect(errorCode(await completeLogin(server, mfaToken, user.authenticator.codeAt(server)))).toBe(
      'INVALID_MFA_TOKEN',
    );
  });
});
