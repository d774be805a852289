import { getOperationAST, Kind, parse, specifiedRules, validate, type OperationDefinitionNode } from 'graphql';
import { loadConfig } from '../src/config';
import { hardening } from '../src/graphql/hardening';
import { SANDBOX_DOCUMENT, SANDBOX_VARIABLES } from '../src/graphql/sandbox-document';
import { buildAppSchema } from '../src/graphql/schema';
import { useTestServer } from './support/shared-server';
import { enrolTotp, nextStep } from './support/mfa';
import { PAST_STEP_UP_MS } from './support/step-up';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type TestServer } from './support/test-server';

const operations = () =>
  parse(SANDBOX_DOCUMENT).definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );

describe('the document Sandbox opens with', () => {
  it('is valid against the schema and within the default request limits, sent whole as Sandbox does', () => {
    const { validationRules, parseOptions } = hardening(loadConfig({}).graphql);
    const document = parse(SANDBOX_DOCUMENT, parseOptions);
    expect(validate(buildAppSchema(), document, [...specifiedRules, ...validationRules])).toEqual([]);
  });

  it('names every operation an administrator needs during an incident', () => {
    expect(operations().map((operation) => operation.name?.value)).toEqual([
      'SignIn',
      'CompleteSignIn',
      'WhoAmI',
      'Reauthenticate',
      'ReauthenticateWithCode',
      'FindUsers',
      'UserSessionsAndAudit',
      'RevokeSession',
      'RevokeUserTokens',
      'RevokeToken',
      'DisableUser',
      'SigningKeys',
      'RotateSigningKey',
      'RevokeSigningKey',
      'Revocations',
    ]);
  });

  it('gives a value for every variable its operations declare', () => {
    for (const operation of operations()) {
      for (const variable of operation.variableDefinitions ?? []) {
        expect(Object.keys(SANDBOX_VARIABLES)).toContain(variable.variable.name.value);
      }
    }
  });
});

interface Answer {
  data?: unknown;
  errors?: Array<{ extensions?: Record<string, unknown> }>;
}

/** Sends the whole document with one operation named and every variable, as Sandbox does. */
async function send(
  server: TestServer,
  operationName: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<Answer> {
  expect(getOperationAST(parse(SANDBOX_DOCUMENT), operationName)).not.toBeNull();
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: SANDBOX_DOCUMENT, operationName, variables: { ...SANDBOX_VARIABLES, ...variables } }),
  });
  return (await response.json()) as Answer;
}

const runOn =
  (server: TestServer) =>
  async <T>(operationName: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> => {
    const body = await send(server, operationName, variables, token);
    expect(body.errors).toBeUndefined();
    if (!body.data) throw new Error(`${operationName} answered no data`);
    return body.data as T;
  };

describe('its operations, run one by one as Sandbox runs them in production', () => {
  const server = useTestServer({ env: { NODE_ENV: 'production', ADMIN_SANDBOX: 'true' } });

  it('sign in, authenticate again, find a user, look at their sessions and audit, revoke, disable, and manage keys', async () => {
    const run = runOn(server);
    const signedIn = await run<{ login: { accessToken: string } }>('SignIn', {
      email: ADMIN_EMAIL,
      password: ADMIN_PASSWORD,
    });
    expect(await run('WhoAmI', {}, signedIn.login.accessToken)).toEqual({
      me: expect.objectContaining({ role: 'ADMIN' }) as unknown,
    });
    const stepped = await run<{ reauthenticate: { accessToken: string } }>(
      'Reauthenticate',
      { password: ADMIN_PASSWORD },
      signedIn.login.accessToken,
    );
    const token = stepped.reauthenticate.accessToken;

    const user = await server.register();
    const found = await run<{ users: { edges: Array<{ node: { id: string } }> } }>(
      'FindUsers',
      { search: user.user.email.slice(0, 12).toUpperCase() },
      token,
    );
    expect(found.users.edges.map((edge) => edge.node.id)).toContain(user.user.id);
    const seen = await run<{ sessions: Array<{ id: string }>; auditEvents: { edges: unknown[] } }>(
      'UserSessionsAndAudit',
      { userId: user.user.id },
      token,
    );
    expect(seen.sessions).toHaveLength(1);
    expect(seen.auditEvents.edges.length).toBeGreaterThan(0);
    await run('RevokeSession', { sessionId: seen.sessions[0]?.id }, token);
    await run('RevokeUserTokens', { userId: user.user.id }, token);
    await run('RevokeToken', { jti: 'a-jti-from-an-audit-event' }, token);
    expect(await run('DisableUser', { userId: user.user.id }, token)).toEqual({
      updateUser: expect.objectContaining({ disabled: true }) as unknown,
    });

    const rotated = await run<{ rotateSigningKey: { kid: string; state: string } }>('RotateSigningKey', {}, token);
    expect(rotated.rotateSigningKey.state).toBe('NEXT');
    const revoked = await run<{ revokeSigningKey: { state: string } }>(
      'RevokeSigningKey',
      { kid: rotated.rotateSigningKey.kid },
      token,
    );
    expect(revoked.revokeSigningKey.state).toBe('REVOKED');
    const keys = await run<{ signingKeys: Array<{ kid: string }> }>('SigningKeys', {}, token);
    expect(keys.signingKeys.map((key) => key.kid)).toContain(rotated.rotateSigningKey.kid);
  });
});

describe('an administrator with a second factor, under ADMIN_REQUIRE_MFA', () => {
  const server = useTestServer({ env: { NODE_ENV: 'production', ADMIN_SANDBOX: 'true', ADMIN_REQUIRE_MFA: 'true' } });

  it('enrols, then signs in with a code, steps up with one and reaches the ADMIN fields', async () => {
    const run = runOn(server);
    const first = await run<{ login: { accessToken: string } }>('SignIn', {
      email: ADMIN_EMAIL,
      password: ADMIN_PASSWORD,
    });
    const refused = await send(server, 'FindUsers', {}, first.login.accessToken);
    expect(refused.errors?.[0]?.extensions?.code).toBe('MFA_ENROLLMENT_REQUIRED');
    const { authenticator } = await enrolTotp(server, first.login.accessToken);

    nextStep(server);
    const mfa = await send(server, 'SignIn', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(mfa.errors?.[0]?.extensions?.code).toBe('MFA_REQUIRED');
    const signedIn = await run<{ completeLogin: { accessToken: string; user: { role: string } } }>('CompleteSignIn', {
      mfaToken: mfa.errors?.[0]?.extensions?.mfaToken,
      code: authenticator.codeAt(server),
    });
    expect(signedIn.completeLogin.user.role).toBe('ADMIN');
    const token = signedIn.completeLogin.accessToken;
    expect(await run('FindUsers', {}, token)).toEqual({ users: expect.objectContaining({}) as unknown });

    // Past the step-up window, a code renews the sign-in for the fields behind step-up.
    server.clock.advance(PAST_STEP_UP_MS);
    const late = await send(server, 'RotateSigningKey', {}, token);
    expect(late.errors?.[0]?.extensions?.code).toBe('STEP_UP_REQUIRED');
    nextStep(server);
    const stepped = await run<{ reauthenticate: { accessToken: string } }>(
      'ReauthenticateWithCode',
      { code: authenticator.codeAt(server) },
      token,
    );
    const rotated = await run<{ rotateSigningKey: { state: string } }>(
      'RotateSigningKey',
      {},
      stepped.reauthenticate.accessToken,
    );
    expect(rotated.rotateSigningKey.state).toBe('NEXT');
  });
});
