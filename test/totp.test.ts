import { URI, TOTP } from 'otpauth';
import { errorCode } from './support/graphql-client';
import {
  Authenticator,
  completeLogin,
  CONFIRM_TOTP,
  DISABLE_TOTP,
  enrolTotp,
  loginForMfa,
  ME_MFA,
  nextStep,
  stepUpWithCode,
  REGENERATE_CODES,
  RESET_USER_MFA,
  START_TOTP,
  USER_MFA,
  type MfaStatusData,
} from './support/mfa';
import {
  AUDIT_EVENTS_OF,
  LOGIN,
  ME,
  REAUTHENTICATE,
  REFRESH,
  type AuditEventData,
  type AuthPayloadData,
} from './support/operations';
import { decodeJwtPart } from './support/forge';
import { useServerWithAdmin } from './support/shared-server';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { TEST_JWT_SECRET } from './support/test-server';
import { ConfigError, loadConfig } from '../src/config';

const NOTICE_SUBJECT = 'The second factors of your account changed';

let sink: SmtpSink | undefined;
const smtp = (): SmtpSink => {
  if (!sink) throw new Error('the SMTP server is only there while the tests run');
  return sink;
};
const shared = useServerWithAdmin(async () => {
  sink = await startSmtpSink();
  return {
    env: {
      SMTP_URL: sink.url,
      APP_URL: 'https://app.example.test',
      MAIL_FROM: 'Token Warden <no-reply@example.test>',
      MFA_ISSUER: 'Example Warden',
    },
  };
});
afterAll(() => sink?.close());
const { server } = shared;

type Start = { startTotpEnrollment: { secret: string; otpauthUri: string } };

const start = (token: string) => server.gql<Start>(START_TOTP, {}, { token });
const mfaOf = async (token: string): Promise<MfaStatusData | undefined> =>
  (await server.gql<{ me: { mfa: MfaStatusData } }>(ME_MFA, {}, { token })).data?.me.mfa;

async function auditOf(userId: string): Promise<AuditEventData[]> {
  const response = await server.gql<{ auditEvents: { edges: Array<{ node: AuditEventData }> } }>(
    AUDIT_EVENTS_OF,
    { userId, first: 50 },
    { token: shared.admin.accessToken },
  );
  return response.data?.auditEvents.edges.map((edge) => edge.node) ?? [];
}

/** The other session is over: its access token is refused as revoked, its refresh token too. */
async function expectEnded(session: AuthPayloadData): Promise<void> {
  const me = await server.gql(ME, {}, { token: session.accessToken });
  expect(errorCode(me)).toBe('TOKEN_REVOKED');
  expect(me.errors?.[0]?.extensions?.reason).toBe('second factor changed');
  expect(errorCode(await server.gql(REFRESH, { refreshToken: session.refreshToken }))).toBe('TOKEN_REVOKED');
}

describe('enrolling an authenticator app', () => {
  it('hands out an otpauth URI the app reads: issuer, SHA1, 6 digits, 30 s, the account email', async () => {
    const user = await server.register();
    const response = await start(user.accessToken);
    expect(response.errors).toBeUndefined();
    const { secret, otpauthUri } = response.data?.startTotpEnrollment ?? { secret: '', otpauthUri: '' };
    const parsed = URI.parse(otpauthUri);
    if (!(parsed instanceof TOTP)) throw new Error('not a TOTP URI');
    expect(parsed.issuer).toBe('Example Warden');
    expect(parsed.label).toBe(user.user.email);
    expect(parsed.algorithm).toBe('SHA1');
    expect(parsed.digits).toBe(6);
    expect(parsed.period).toBe(30);
    expect(parsed.secret.base32).toBe(secret);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await mfaOf(user.accessToken)).toEqual({ totp: false, recoveryCodesLeft: 0 });
  });

  it('refuses a wrong code, and a code from a secret replaced by a second start', async () => {
    const user = await server.register();
    const first = (await start(user.accessToken)).data?.startTotpEnrollment.secret ?? '';
    const second = (await start(user.accessToken)).data?.startTotpEnrollment.secret ?? '';
    expect(second).not.toBe(first);
    const fromFirst = new Authenticator(first).codeAt(server);
    const confirm = await server.gql(CONFIRM_TOTP, { code: fromFirst }, { token: user.accessToken });
    expect(errorCode(confirm)).toBe('INVALID_CODE');
    expect(errorCode(await server.gql(CONFIRM_TOTP, { code: 'abcdef' }, { token: user.accessToken }))).toBe(
      'INVALID_CODE',
    );
    expect(await mfaOf(user.accessToken)).toEqual({ totp: false, recoveryCodesLeft: 0 });
    const ok = await server.gql<{ confirmTotpEnrollment: string[] }>(
      CONFIRM_TOTP,
      { code: new Authenticator(second).codeAt(server) },
      { token: user.accessToken },
    );
    expect(ok.data?.confirmTotpEnrollment).toHaveLength(10);
    expect(await mfaOf(user.accessToken)).toEqual({ totp: true, recoveryCodesLeft: 10 });
  });

  it('refuses to start again or confirm again once TOTP is on, and confirm without a start', async () => {
    const user = await server.register();
    expect(errorCode(await server.gql(CONFIRM_TOTP, { code: '123456' }, { token: user.accessToken }))).toBe(
      'BAD_USER_INPUT',
    );
    const { authenticator } = await enrolTotp(server, user.accessToken);
    const again = await start(user.accessToken);
    expect(errorCode(again)).toBe('BAD_USER_INPUT');
    expect(again.errors?.[0]?.message).toBe('TOTP is already on.');
    nextStep(server);
    const confirm = await server.gql(CONFIRM_TOTP, { code: authenticator.codeAt(server) }, { token: user.accessToken });
    expect(errorCode(confirm)).toBe('BAD_USER_INPUT');
  });

  it('needs a signed-in caller', async () => {
    expect(errorCode(await server.gql(START_TOTP))).toBe('UNAUTHENTICATED');
    expect(errorCode(await server.gql(DISABLE_TOTP, { code: '123456' }))).toBe('UNAUTHENTICATED');
  });
});

describe('changing second factors ends the other sessions', () => {
  it('enabling: ends my other sessions and keeps this one; audited and mailed', async () => {
    const user = await server.register();
    const laptop = await server.login(user.user.email, user.password);
    await enrolTotp(server, user.accessToken);
    await expectEnded(laptop);
    expect((await server.gql(ME, {}, { token: user.accessToken })).errors).toBeUndefined();
    const event = (await auditOf(user.user.id)).find((e) => e.action === 'MFA_ENABLED');
    expect(event).toMatchObject({ actorId: user.user.id, reason: '1 other sessions ended' });
    const [mail] = await smtp().mailTo(user.user.email, 1, 10_000, NOTICE_SUBJECT);
    expect(mail?.text).toContain('authenticator app was set up');
  });

  it('disabling with a TOTP code: ends other sessions, removes the codes; login asks for the password only', async () => {
    const user = await server.register();
    const { authenticator } = await enrolTotp(server, user.accessToken);
    nextStep(server);
    const { mfaToken } = await loginForMfa(server, user.user.email, user.password);
    const other = (await completeLogin(server, mfaToken, authenticator.codeAt(server))).data?.completeLogin;
    if (!other) throw new Error('no second session');

    const steppedUp = await stepUpWithCode(server, user.accessToken, authenticator);
    nextStep(server);
    const wrong = await server.gql(DISABLE_TOTP, { code: '000000' }, { token: steppedUp.accessToken });
    expect(errorCode(wrong)).toBe('INVALID_CODE');
    const disabled = await server.gql<{ disableTotp: boolean }>(
      DISABLE_TOTP,
      { code: authenticator.codeAt(server) },
      { token: steppedUp.accessToken },
    );
    expect(disabled.data?.disableTotp).toBe(true);
    await expectEnded(other);
    expect(await mfaOf(steppedUp.accessToken)).toEqual({ totp: false, recoveryCodesLeft: 0 });
    expect((await server.gql(LOGIN, { email: user.user.email, password: user.password })).errors).toBeUndefined();
    expect((await auditOf(user.user.id)).map((e) => e.action)).toContain('MFA_DISABLED');
    await smtp().mailTo(user.user.email, 2, 10_000, NOTICE_SUBJECT);
  });

  it('disabling with a recovery code works too; regenerating needs a TOTP code', async () => {
    const user = await server.register();
    const { recoveryCodes } = await enrolTotp(server, user.accessToken);
    const { accessToken } = await stepUpWithCode(server, user.accessToken, recoveryCodes[3] ?? '');
    const regenerate = await server.gql(REGENERATE_CODES, { code: recoveryCodes[0] }, { token: accessToken });
    expect(errorCode(regenerate)).toBe('INVALID_CODE');
    const disabled = await server.gql(DISABLE_TOTP, { code: recoveryCodes[1] }, { token: accessToken });
    expect(disabled.errors).toBeUndefined();
    expect(errorCode(await server.gql(DISABLE_TOTP, { code: recoveryCodes[2] }, { token: accessToken }))).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('regenerating: ends other sessions, audited', async () => {
    const user = await server.register();
    const { authenticator } = await enrolTotp(server, user.accessToken);
    nextStep(server);
    const { mfaToken } = await loginForMfa(server, user.user.email, user.password);
    const other = (await completeLogin(server, mfaToken, authenticator.codeAt(server))).data?.completeLogin;
    if (!other) throw new Error('no second session');
    const { accessToken } = await stepUpWithCode(server, user.accessToken, authenticator);
    nextStep(server);
    const response = await server.gql(REGENERATE_CODES, { code: authenticator.codeAt(server) }, { token: accessToken });
    expect(response.errors).toBeUndefined();
    await expectEnded(other);
    expect((await auditOf(user.user.id)).map((e) => e.action)).toContain('RECOVERY_CODES_REGENERATED');
  });
});

describe('step-up on an account with TOTP', () => {
  it('wants a token whose amr shows the factor, got with reauthenticate(code), not with the password', async () => {
    const user = await server.register();
    const { authenticator } = await enrolTotp(server, user.accessToken);
    nextStep(server);
    const passwordOnly = await server.gql(
      REGENERATE_CODES,
      { code: authenticator.codeAt(server) },
      { token: user.accessToken },
    );
    expect(errorCode(passwordOnly)).toBe('STEP_UP_REQUIRED');
    const withPassword = await server.gql(REAUTHENTICATE, { password: user.password }, { token: user.accessToken });
    expect(errorCode(withPassword)).toBe('BAD_USER_INPUT');
    const wrongCode = await server.gql(REAUTHENTICATE, { code: '000000' }, { token: user.accessToken });
    expect(errorCode(wrongCode)).toBe('INVALID_CODE');

    const steppedUp = await stepUpWithCode(server, user.accessToken, authenticator);
    expect(decodeJwtPart(steppedUp.accessToken, 1).amr).toEqual(['otp']);
    // The code just used is spent: a second step-up with it is a replay.
    const replay = await server.gql(
      REAUTHENTICATE,
      { code: authenticator.codeAt(server) },
      { token: steppedUp.accessToken },
    );
    expect(errorCode(replay)).toBe('INVALID_CODE');
    nextStep(server);
    const regenerated = await server.gql(
      REGENERATE_CODES,
      { code: authenticator.codeAt(server) },
      { token: steppedUp.accessToken },
    );
    expect(regenerated.errors).toBeUndefined();
  });
});

describe('resetUserMfa', () => {
  it('lets an administrator remove every factor and end every session of the user', async () => {
    const user = await server.register();
    await enrolTotp(server, user.accessToken);
    const refused = await server.gql(RESET_USER_MFA, { userId: user.user.id }, { token: user.accessToken });
    expect(errorCode(refused)).toBe('FORBIDDEN');

    const reset = await server.gql<{ resetUserMfa: boolean }>(
      RESET_USER_MFA,
      { userId: user.user.id, reason: 'lost phone, identity checked' },
      { token: shared.admin.accessToken },
    );
    expect(reset.data?.resetUserMfa).toBe(true);
    await expectEnded(user);
    const payload = await server.login(user.user.email, user.password);
    expect(await mfaOf(payload.accessToken)).toEqual({ totp: false, recoveryCodesLeft: 0 });
    const event = (await auditOf(user.user.id)).find((e) => e.action === 'MFA_RESET_BY_ADMIN');
    expect(event?.actorId).toBe(shared.admin.user.id);
    expect(event?.reason).toContain('lost phone, identity checked');

    const unknown = await server.gql(
      RESET_USER_MFA,
      { userId: '00000000-0000-4000-8000-000000000000' },
      { token: shared.admin.accessToken },
    );
    expect(errorCode(unknown)).toBe('NOT_FOUND');
    expect(errorCode(await server.gql(RESET_USER_MFA, { userId: 'nope' }, { token: shared.admin.accessToken }))).toBe(
      'BAD_USER_INPUT',
    );
  });
});

describe('User.mfa', () => {
  it('is readable by the user themselves and by administrators only', async () => {
    const user = await server.register();
    const other = await server.register();
    const byAdmin = await server.gql<{ user: { mfa: MfaStatusData } }>(
      USER_MFA,
      { id: user.user.id },
      { token: shared.admin.accessToken },
    );
    expect(byAdmin.data?.user.mfa).toEqual({ totp: false, recoveryCodesLeft: 0 });
    expect(await mfaOf(other.accessToken)).toEqual({ totp: false, recoveryCodesLeft: 0 });
  });
});

describe('MFA_ISSUER', () => {
  const base = { JWT_SECRET: TEST_JWT_SECRET };
  it('defaults to Token Warden', () => {
    expect(loadConfig(base).mfaIssuer).toBe('Token Warden');
  });

  it.each([['Acme: Sign-in'], ['x'.repeat(101)], ['tab\there']])('refuses %j, naming the variable', (issuer) => {
    let thrown: unknown;
    try {
      loadConfig({ ...base, MFA_ISSUER: issuer });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe('MFA_ISSUER');
  });
});
