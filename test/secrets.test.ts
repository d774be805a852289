import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDevSecret } from '../src/auth/dev-secret';
import { loadConfig } from '../src/config';
import { forgeJwt } from './support/forge';
import { postGraphQL } from './support/graphql-client';
import { LOGIN, ME, REFRESH, REGISTER, REVOKE_TOKEN, type AuthPayloadData } from './support/operations';
import { runService } from './support/service-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { ADMIN_EMAIL, ADMIN_PASSWORD, uniqueEmail } from './support/test-server';

jest.setTimeout(60_000);

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'token-warden-secrets-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('a production start without a proper JWT_SECRET', () => {
  it.each<[string, { JWT_SECRET?: string }]>([
    ['missing', {}],
    ['empty', { JWT_SECRET: '' }],
    ['31 bytes', { JWT_SECRET: 'short-secret-value-31-bytes-abc' }],
  ])('%s: refused, naming the variable and never printing the value', async (_name, env) => {
    const service = runService({ NODE_ENV: 'production', DATA_DIR: dataDir, PORT: '0', ...env });
    expect(await service.exited).toBe(1);
    expect(service.output()).toContain('JWT_SECRET');
    if (env.JWT_SECRET) expect(service.output()).not.toContain(env.JWT_SECRET);
    // Production never falls back to a generated key.
    expect(() => statSync(join(dataDir, 'jwt-secret'))).toThrow();
  });
});

describe('the development secret file', () => {
  it('is created with mode 0600 even under a umask that allows everything', () => {
    const previous = process.umask(0);
    try {
      resolveDevSecret(loadConfig({ DATA_DIR: dataDir }));
    } finally {
      process.umask(previous);
    }
    expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
  });

  it('is made private again when found readable by others, and kept', () => {
    const file = join(dataDir, 'jwt-secret');
    const secret = randomBytes(48);
    writeFileSync(file, secret.toString('base64'));
    chmodSync(file, 0o644);
    expect(resolveDevSecret(loadConfig({ DATA_DIR: dataDir })).jwt.secret.equals(secret)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

/** Only a PostgreSQL run (test:pg) has a DATABASE_URL whose password could leak. */
const withDatabasePassword = Boolean(process.env.TEST_DATABASE_URL);

describe('secrets never reach the logs or the answers', () => {
  let testDatabase: TestDatabase;
  beforeEach(async () => {
    testDatabase = await createTestDatabase();
  });
  afterEach(() => testDatabase.drop());

  it(`through a production run at LOG_LEVEL=trace with good and bad requests of every kind: JWT_SECRET, METRICS_TOKEN, passwords${withDatabasePassword ? ', the password in DATABASE_URL' : ''} and refresh tokens`, async () => {
    const jwtSecret = randomBytes(36).toString('base64url');
    const metricsToken = `metrics-${randomBytes(12).toString('hex')}`;
    const databasePassword = `db-${randomBytes(8).toString('hex')}`;
    const databaseEnv: Record<string, string> = {};
    expect(testDatabase.target.kind === 'postgres').toBe(withDatabasePassword);
    if (testDatabase.target.kind === 'postgres') {
      // Trust authentication ignores the password, so the URL can carry one to look for.
      const url = new URL(testDatabase.target.url);
      url.password = databasePassword;
      databaseEnv.DATABASE_URL = url.toString();
    }
    const service = runService({
      ...databaseEnv,
      NODE_ENV: 'production',
      JWT_SECRET: jwtSecret,
      METRICS_TOKEN: metricsToken,
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
      LOG_LEVEL: 'trace',
      DATA_DIR: dataDir,
      PORT: '0',
    });
    const answers: string[] = [];
    // Never written anywhere; refresh tokens are given to their owner but must not be logged.
    const secrets = [jwtSecret, metricsToken, ADMIN_PASSWORD, ...(withDatabasePassword ? [databasePassword] : [])];
    const credentials: string[] = [];
    try {
      const baseUrl = await service.ready;
      const url = `${baseUrl}/graphql`;
      const send = async <T>(query: string, variables: Record<string, unknown> = {}, token?: string) => {
        const response = await postGraphQL<T>(url, query, variables, { token });
        answers.push(response.text);
        return response;
      };
      const userPassword = `user-${randomBytes(8).toString('hex')}`;
      secrets.push(userPassword);
      const admin = (await send<{ login: AuthPayloadData }>(LOGIN, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }))
        .data?.login;
      const user = (
        await send<{ register: AuthPayloadData }>(REGISTER, { email: uniqueEmail(), password: userPassword })
      ).data?.register;
      if (!admin || !user) throw new Error('sign-in failed');
      credentials.push(user.refreshToken, admin.refreshToken);
      await send(LOGIN, { email: ADMIN_EMAIL, password: `${ADMIN_PASSWORD}-wrong` });
      await send(REFRESH, { refreshToken: user.refreshToken });
      await send(REFRESH, { refreshToken: user.refreshToken });
      await send(ME, {}, forgeJwt({ alg: 'HS256', typ: 'at+jwt' }, { sub: 'x' }, 'a guess at the secret, long enough'));
      await send(REVOKE_TOKEN, { input: { token: user.accessToken, reason: 'secrets test' } }, admin.accessToken);
      await send('{ me {', {}, admin.accessToken);
      for (const authorization of [`Bearer ${metricsToken}x`, `Bearer ${metricsToken}`]) {
        answers.push(await (await fetch(`${baseUrl}/metrics`, { headers: { authorization } })).text());
      }
      answers.push(
        await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' })).text(),
      );
    } finally {
      service.child.kill('SIGTERM');
    }
    expect(await service.exited).toBe(0);
    const logged = [...secrets, ...credentials].filter((secret) => secret !== '' && service.output().includes(secret));
    expect(logged).toEqual([]);
    expect(secrets.filter((secret) => secret !== '' && answers.some((answer) => answer.includes(secret)))).toEqual([]);
    expect(service.output()).toMatch(/"msg":"graphql request"/);
  });

  it('when the database cannot be reached at start, the error does not show the password in its URL', async () => {
    const password = `db-${randomBytes(8).toString('hex')}`;
    const service = runService({
      DATABASE_URL: `postgres://token_warden:${password}@127.0.0.1:9/token_warden`,
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'trace',
    });
    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(/failed to start/);
    expect(service.output()).not.toContain(password);
  });
});
