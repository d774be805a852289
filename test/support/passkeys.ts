import type { GraphQLResponse } from './graphql-client';
import {
  FINISH_PASSKEY_REGISTRATION,
  FINISH_PASSKEY_SIGN_IN,
  START_PASSKEY_REGISTRATION,
  START_PASSKEY_SIGN_IN,
  type AuthPayloadData,
  type PasskeyData,
} from './operations';
import type { CeremonyTweaks, SoftAuthenticator, SoftCredential } from './soft-authenticator';
import type { TestServer } from './test-server';

type Json = Record<string, unknown>;

/** The server's settings the soft authenticator's defaults answer to. */
export const PASSKEY_ENV = { WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: 'http://localhost:5173' };

export async function startRegistration(server: TestServer, token: string): Promise<Json> {
  const started = await server.gql<{ startPasskeyRegistration: Json }>(START_PASSKEY_REGISTRATION, {}, { token });
  if (!started.data) throw new Error(`startPasskeyRegistration failed: ${JSON.stringify(started.errors)}`);
  return started.data.startPasskeyRegistration;
}

/** Runs a whole registration with `authenticator`; returns the answer and the credential it made. */
export async function registerPasskey(
  server: TestServer,
  token: string,
  authenticator: SoftAuthenticator,
  options: { name?: string; tweaks?: CeremonyTweaks } = {},
): Promise<{ answer: GraphQLResponse<{ finishPasskeyRegistration: PasskeyData }>; credential: SoftCredential }> {
  const creation = await startRegistration(server, token);
  const { response, credential } = authenticator.register(creation, options.tweaks);
  const answer = await server.gql<{ finishPasskeyRegistration: PasskeyData }>(
    FINISH_PASSKEY_REGISTRATION,
    { response, name: options.name },
    { token },
  );
  return { answer, credential };
}

/** `registerPasskey` that must succeed. */
export async function addPasskey(
  server: TestServer,
  token: string,
  authenticator: SoftAuthenticator,
  name?: string,
): Promise<PasskeyData & { credential: SoftCredential }> {
  const { answer, credential } = await registerPasskey(server, token, authenticator, { name });
  if (!answer.data) throw new Error(`finishPasskeyRegistration failed: ${JSON.stringify(answer.errors)}`);
  return { ...answer.data.finishPasskeyRegistration, credential };
}

export async function startSignIn(server: TestServer, email?: string, token?: string): Promise<Json> {
  const started = await server.gql<{ startPasskeySignIn: Json }>(
    START_PASSKEY_SIGN_IN,
    email === undefined ? {} : { email },
    token === undefined ? {} : { token },
  );
  if (!started.data) throw new Error(`startPasskeySignIn failed: ${JSON.stringify(started.errors)}`);
  return started.data.startPasskeySignIn;
}

export function finishSignIn(
  server: TestServer,
  response: Json,
  token?: string,
): Promise<GraphQLResponse<{ finishPasskeySignIn: AuthPayloadData }>> {
  return server.gql(FINISH_PASSKEY_SIGN_IN, { response }, token === undefined ? {} : { token });
}

/** A whole sign-in: start (with `email` or discoverable), the authenticator's assertion, finish. */
export async function signInWithPasskey(
  server: TestServer,
  authenticator: SoftAuthenticator,
  options: { email?: string; token?: string; tweaks?: CeremonyTweaks & { credential?: SoftCredential } } = {},
): Promise<GraphQLResponse<{ finishPasskeySignIn: AuthPayloadData }>> {
  const request = await startSignIn(server, options.email, options.token);
  return finishSignIn(server, authenticator.assert(request, options.tweaks), options.token);
}

/**
 * Steps the session of `token` up with a passkey of `authenticator`: once the account has a passkey,
 * the fields behind step-up want a token whose `amr` shows it. Returns the session's fresh pair.
 */
export async function stepUpWithPasskey(
  server: TestServer,
  token: string,
  authenticator: SoftAuthenticator,
): Promise<AuthPayloadData> {
  const answer = await signInWithPasskey(server, authenticator, { token });
  if (!answer.data) throw new Error(`step-up with a passkey failed: ${JSON.stringify(answer.errors)}`);
  return answer.data.finishPasskeySignIn;
}
