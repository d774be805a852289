import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postGraphQL } from './support/graphql-client';
import { runService } from './support/service-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './support/test-server';

// A first start creates the embedded database on disk, which takes a few seconds.
jest.setTimeout(60_000);

let dataDir: string;
let testDatabase: TestDatabase;
let databaseEnv: Record<string, string>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'token-warden-process-'));
  testDatabase = await createTestDatabase();
  databaseEnv = testDatabase.target.kind === 'postgres' ? { DATABASE_URL: testDatabase.target.url } : {};
});
afterAll(async () => {
  await testDatabase.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a bad setting stops the start with one line naming the variable', () => {
  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['ACCESS_TOKEN_TTL', { ACCESS_TOKEN_TTL: '-5' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://localhost/db' }],
    ['JWT_SECRET', { NODE_ENV: 'production' }],
    ['JWT_SECRET', { NODE_ENV: 'production', JWT_SECRET: 'too-short' }],
    ['ADMIN_PASSWORD', { ADMIN_EMAIL: 'root@example.com' }],
    ['CORS_ORIGINS', { CORS_ORIGINS: '*' }],
    ['CORS_ORIGINS', { CORS_ORIGINS: 'https://app.example.com,app.example.com' }],
  ])('%s', async (variable, env) => {
    const service = runService({ DATA_DIR: dataDir, PORT: '0', ...env });
    expect(await service.exited).toBe(1);
    const lines = service.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
    expect(service.output()).not.toMatch(/\n\s+at /);
  });
});

describe('a development start', () => {
  it('migrates, bootstraps the admin, serves Sandbox, health and readiness, and stops on SIGTERM', async () => {
    const service = runService({
      ...databaseEnv,
      DATA_DIR: dataDir,
      PORT: '0',
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
    });
    try {
      const baseUrl = await service.ready;
      expect(service.output()).toContain('created administrator');
      // Development logs are for a terminal: readable lines, not JSON.
      expect(service.output()).toMatch(/INFO.*token-warden listening/);
      expect(service.output()).not.toMatch(/^\{"level"/m);
      expect(service.output()).toContain(ADMIN_EMAIL);
      expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
      expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);

      const sandbox = await fetch(`${baseUrl}/graphql`, { headers: { accept: 'text/html' } });
      expect(sandbox.status).toBe(200);
      const page = await sandbox.text();
      expect(page).toMatch(/sandbox/i);
      // The example operation Sandbox opens with.
      expect(page).toContain('mutation SignIn');
      expect(page).toContain('query WhoAmI');

      const login = await postGraphQL<{ login: { user: { role: string } } }>(
        `${baseUrl}/graphql`,
        'mutation($email: EmailAddress!, $password: String!) { login(email: $email, password: $password) { user { role } } }',
        { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
      );
      expect(login.data?.login.user.role).toBe('ADMIN');
    } finally {
      service.child.kill('SIGTERM');
    }
    expect(await service.exited).toBe(0);
  });
});

describe('a production start', () => {
  it('has no Sandbox and no introspection', async () => {
    const service = runService({
      ...databaseEnv,
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-secret-of-at-least-32-bytes',
      DATA_DIR: dataDir,
      PORT: '0',
    });
    try {
      const baseUrl = await service.ready;
      const page = await fetch(`${baseUrl}/graphql`, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toMatch(/sandbox/i);
      // Production logs are JSON lines, one object each.
      const lines = service.output().trim().split('\n');
      expect(lines.map((line) => (JSON.parse(line) as { level: string }).level)).toContain('info');
      const introspection = await postGraphQL(`${baseUrl}/graphql`, '{ __schema { types { name } } }');
      expect(introspection.status).toBe(400);
      expect(introspection.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      service.child.kill('SIGTERM');
    }
    expect(await service.exited).toBe(0);
  });
});
