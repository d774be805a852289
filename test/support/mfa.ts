import { TOTP } from 'otpauth';
import { errorCode, type GraphQLResponse } from './graphql-client';
import { REAUTHENTICATE, USER_FIELDS, type AuthPayloadData } from './operations';
import type { TestServer } from './test-server';

/** What the helpers here use of a server. */
type MfaServer = Pick<TestServer, 'gql' | 'clock'>;

/** The second-factor operations the tests send, written once. */
export const START_TOTP = `mutation StartTotp { startTotpEnrollment { secret otpauthUri } }`;
export const CONFIRM_TOTP = `mutation ConfirmTotp($code: String!) { confirmTotpEnrollment(code: $code) }`;
export const DISABLE_TOTP = `mutation DisableTotp($code: String!) { disableTotp(code: $code) }`;
export const REGENERATE_CODES = `mutation Regenerate($code: String!) { regenerateRecoveryCodes(code: $code) }`;
export const COMPLETE_LOGIN = `mutation CompleteLogin($mfaToken: String!, $code: String!) {
  completeLogin(mfaToken: $mfaToken, code: $code) { accessToken refreshToken accessTokenExpiresAt user { ${USER_FIELDS} } }
}`;
export const RESET_USER_MFA = `mutation ResetUserMfa($userId: ID!, $reason: String) { resetUserMfa(userId: $userId, reason: $reason) }`;
export const ME_MFA = `query MeMfa { me { id mfa { totp recoveryCodesLeft } } }`;
export const USER_MFA = `query UserMfa($id: ID) { user(id: $id) { id mfa { totp recoveryCodesLeft } } }`;

export interface MfaStatusData {
  totp: boolean;
  recoveryCodesLeft: number;
}

const TOTP_STEP_MS = 30_000;

/** The user's authenticator app: the same library, reading the URI the service handed out. */
export class Authenticator {
  private readonly totp: TOTP;

  constructor(secret: string) {
    this.totp = new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 });
  }

  /** The code shown at the server's clock's now. */
  codeAt(server: Pick<TestServer, 'clock'>): string {
    return this.totp.generate({ timestamp: server.clock.now() });
  }
}

/** Moves the server's clock to the next TOTP step, so that a fresh code is not a replay of the last. */
export function nextStep(server: TestServer): void {
  server.clock.advance(TOTP_STEP_MS);
}

export interface Enrolled {
  authenticator: Authenticator;
  secret: string;
  recoveryCodes: string[];
}

/** startTotpEnrollment then confirmTotpEnrollment with the app's current code, as a user does. */
export async function enrolTotp(server: MfaServer, accessToken: string): Promise<Enrolled> {
  const started = await server.gql<{ startTotpEnrollment: { secret: string; otpauthUri: string } }>(
    START_TOTP,
    {},
    { token: accessToken },
  );
  const secret = started.data?.startTotpEnrollment.secret;
  if (!secret) throw new Error(`startTotpEnrollment failed: ${JSON.stringify(started.errors)}`);
  const authenticator = new Authenticator(secret);
  const confirmed = await server.gql<{ confirmTotpEnrollment: string[] }>(
    CONFIRM_TOTP,
    { code: authenticator.codeAt(server) },
    { token: accessToken },
  );
  const recoveryCodes = confirmed.data?.confirmTotpEnrollment;
  if (!recoveryCodes) throw new Error(`confirmTotpEnrollment failed: ${JSON.stringify(confirmed.errors)}`);
  return { authenticator, secret, recoveryCodes };
}

/** A login that must answer MFA_REQUIRED; returns its mfaToken and methods. */
export async function loginForMfa(
  server: TestServer,
  email: string,
  password: string,
): Promise<{ mfaToken: string; methods: string[]; response: GraphQLResponse<unknown> }> {
  const response = await server.gql(
    `mutation Login($email: EmailAddress!, $password: String!) { login(email: $email, password: $password) { accessToken } }`,
    { email, password },
  );
  if (errorCode(response) !== 'MFA_REQUIRED') {
    throw new Error(`login did not answer MFA_REQUIRED: ${JSON.stringify(response.errors ?? response.data)}`);
  }
  const extensions = response.errors?.[0]?.extensions ?? {};
  return { mfaToken: extensions.mfaToken as string, methods: extensions.methods as string[], response };
}

export function completeLogin(
  server: TestServer,
  mfaToken: string,
  code: string,
): Promise<GraphQLResponse<{ completeLogin: AuthPayloadData }>> {
  return server.gql<{ completeLogin: AuthPayloadData }>(COMPLETE_LOGIN, { mfaToken, code });
}

/** Signs in with the password and the app's current code (a fresh step), as a user with TOTP does. */
export async function loginWithTotp(
  server: TestServer,
  email: string,
  password: string,
  authenticator: Authenticator,
): Promise<AuthPayloadData> {
  nextStep(server);
  const { mfaToken } = await loginForMfa(server, email, password);
  const response = await completeLogin(server, mfaToken, authenticator.codeAt(server));
  const payload = response.data?.completeLogin;
  if (!payload) throw new Error(`completeLogin failed: ${JSON.stringify(response.errors)}`);
  return payload;
}

/**
 * `reauthenticate` with the app's code at the next step: once the account has a second factor, the
 * fields behind step-up want a token whose `amr` shows it. Returns the session's fresh pair; the
 * token passed in is refused from then on.
 */
export async function stepUpWithCode(
  server: TestServer,
  accessToken: string,
  code: Authenticator | string,
): Promise<AuthPayloadData> {
  if (code instanceof Authenticator) nextStep(server);
  const response = await server.gql<{ reauthenticate: AuthPayloadData }>(
    REAUTHENTICATE,
    { code: code instanceof Authenticator ? code.codeAt(server) : code },
    { token: accessToken },
  );
  if (!response.data) throw new Error(`reauthenticate with a code failed: ${JSON.stringify(response.errors)}`);
  return response.data.reauthenticate;
}
