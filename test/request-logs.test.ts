import { errorCode } from './support/graphql-client';
import { LOGIN, LOGOUT, ME, REFRESH, REVOKE_TOKEN } from './support/operations';
import { useTestServer } from './support/shared-server';

// Every level on, so that nothing a lower level would write escapes the check.
const server = useTestServer({ env: { LOG_LEVEL: 'trace' } });

const requestLines = () => server.logs.entries().filter((entry) => entry.msg === 'graphql request');

describe('request logs', () => {
  it('write one JSON line per request with its id, operation, user and outcome', async () => {
    const user = await server.register();
    const me = await server.gql(ME, {}, { token: user.accessToken, headers: { 'x-request-id': 'trace-me-1' } });
    expect(me.headers.get('x-request-id')).toBe('trace-me-1');
    await server.gql(LOGOUT, {}, { token: user.accessToken });
    const refused = await server.gql(ME, {}, { token: user.accessToken });
    expect(errorCode(refused)).toBe('TOKEN_REVOKED');

    const lines = requestLines();
    expect(lines.find((line) => line.reqId === 'trace-me-1')).toMatchObject({
      level: 'info',
      operation: 'Me',
      userId: user.user.id,
      outcome: 'ok',
      status: 200,
    });
    const generatedId = refused.headers.get('x-request-id');
    expect(generatedId).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.find((line) => line.reqId === generatedId)).toMatchObject({
      operation: 'none',
      outcome: 'TOKEN_REVOKED',
      status: 401,
    });
    expect(lines.find((line) => line.operation === 'Register')).toMatchObject({ userId: user.user.id });
  });

  it('ignore a request id that is not plain text', async () => {
    const response = await server.gql(ME, {}, { headers: { 'x-request-id': 'a b <script>"injected": true' } });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never contain a password, token, refresh token or Authorization header', async () => {
    const admin = await server.loginAdmin();
    const user = await server.register();
    const second = await server.login(user.user.email, user.password);
    const refreshed = await server.gql<{ refreshToken: { accessToken: string; refreshToken: string } }>(REFRESH, {
      refreshToken: second.refreshToken,
    });
    const rotated = refreshed.data?.refreshToken;
    if (!rotated) throw new Error(`refresh failed: ${JSON.stringify(refreshed.errors)}`);
    // Theft path: the spent refresh token again.
    expect(errorCode(await server.gql(REFRESH, { refreshToken: second.refreshToken }))).toBe('TOKEN_REVOKED');
    const wrongPassword = 'not-the-password-but-still-a-secret';
    expect(errorCode(await server.gql(LOGIN, { email: user.user.email, password: wrongPassword }))).toBe(
      'UNAUTHENTICATED',
    );
    await server.gql(
      REVOKE_TOKEN,
      { input: { token: user.accessToken, reason: 'log test' } },
      { token: admin.accessToken },
    );
    const garbageBearer = 'Bearer leaked.credential.value-that-is-not-a-jwt';
    await server.gql(ME, {}, { headers: { authorization: garbageBearer } });
    await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.accessToken}` },
      body: `{"query": "mutation { login(email: \\"x@example.com\\", password: \\"${wrongPassword}-json\\") { accessToken } }"`,
    });

    const secrets = [
      user.password,
      wrongPassword,
      garbageBearer,
      'leaked.credential.value-that-is-not-a-jwt',
      ...[admin, user, second, rotated].flatMap((tokens) => [
        tokens.accessToken,
        tokens.refreshToken,
        // The signature alone is enough to replay a token; it must not appear either.
        tokens.accessToken.split('.')[2] as string,
      ]),
    ];
    const written = server.logs.lines.join('');
    expect(requestLines().length).toBeGreaterThanOrEqual(8);
    for (const secret of secrets) expect(written).not.toContain(secret);
  });
});
