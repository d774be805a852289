import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './support/free-port';
import { postGraphQL } from './support/graphql-client';
import { LOGOUT, REGISTER, type AuthPayloadData } from './support/operations';
import { adminTokenOf, runService, useServiceData, type ServiceProcess } from './support/service-process';
import { uniqueEmail, USER_PASSWORD } from './support/test-server';
import {
  callApi,
  compileStrictly,
  installResourceApi,
  packVerifier,
  runResourceApi,
  stopResourceApi,
  type ResourceApiProcess,
} from './support/verifier-package';
import { waitFor } from './support/wait';

const run = promisify(execFile);
const CLIENT = { id: 'orders-api', secret: 'an-orders-api-secret-of-at-least-32-chars' };
/** What the service installs and the verifier must not: none of it is in the resource API's node_modules. */
const SERVICE_DEPENDENCIES = [
  '@apollo/server',
  'type-graphql',
  'graphql',
  'drizzle-orm',
  '@electric-sql/pglite',
  'postgres',
  'jsonwebtoken',
  'express-rate-limit',
];

const serviceEnv = useServiceData('verifier-package');
let work: string;
let app: string;
let files: string[];
let strictDiagnostics: string[];
let service: ServiceProcess | undefined;
let serviceUrl: string;
let api: ResourceApiProcess | undefined;
let apiUrl: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'token-warden-verifier-'));
  const packed = await packVerifier(work);
  files = packed.value.files;
  const installed = await installResourceApi(work, packed.value.tarball);
  app = installed.value;
  const compiled = await compileStrictly(app);
  strictDiagnostics = compiled.value;
  process.stdout.write(
    `verifier package: packed in ${packed.ms} ms, resource-api installed in ${installed.ms} ms, compiled in ${compiled.ms} ms\n`,
  );
  const port = await freePort();
  const started = runService({
    ...serviceEnv(),
    PORT: String(port),
    JWT_ALGORITHM: 'ES256',
    JWT_ISSUER: `http://127.0.0.1:${port}`,
    OAUTH_CLIENTS: `${CLIENT.id}:${CLIENT.secret}`,
  });
  service = started;
  serviceUrl = await started.ready;
  const resourceApi = runResourceApi(join(app, 'dist', 'main.js'), {
    issuer: serviceUrl,
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
    maxStalenessSeconds: 1,
  });
  api = resourceApi;
  apiUrl = await resourceApi.ready;
}, 300_000);

afterAll(async () => {
  if (api) await stopResourceApi(api);
  if (service && service.child.exitCode === null) {
    service.child.kill('SIGTERM');
    await service.exited;
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

async function signUp(): Promise<AuthPayloadData> {
  const { data, errors } = await postGraphQL<{ register: AuthPayloadData }>(`${serviceUrl}/graphql`, REGISTER, {
    email: uniqueEmail('orders'),
    password: USER_PASSWORD,
  });
  if (!data) throw new Error(`register failed: ${JSON.stringify(errors)}`);
  return data.register;
}

describe('the packed verifier', () => {
  it('carries its build and the service’s revocation rule, and nothing else of the service', () => {
    expect(files).toContain('dist/packages/verifier/src/index.js');
    expect(files).toContain('dist/packages/verifier/src/index.d.ts');
    expect(files).toContain('dist/src/revocation/revocation.rule.js');
    expect(files.filter((path) => path.startsWith('dist/src/'))).toEqual([
      'dist/src/revocation/revocation.rule.d.ts',
      'dist/src/revocation/revocation.rule.js',
    ]);
  });

  it('installs into an app without any of the service’s dependencies', () => {
    for (const name of SERVICE_DEPENDENCIES)
      expect([name, existsSync(join(app, 'node_modules', name))]).toEqual([name, false]);
    expect(existsSync(join(app, 'node_modules', 'jose'))).toBe(true);
    expect(existsSync(join(app, 'node_modules', 'eventsource-parser'))).toBe(true);
  });

  it('loads only itself and eventsource-parser when required', async () => {
    const { stdout } = await run(
      process.execPath,
      ['-e', "require('@token-warden/verifier'); console.log(JSON.stringify(Object.keys(require.cache)))"],
      { cwd: app },
    );
    const loaded = (JSON.parse(stdout) as string[]).map((path) => path.slice(path.lastIndexOf('node_modules/') + 13));
    const packages = new Set(
      loaded.map((path) =>
        (path.startsWith('@') ? path.split('/').slice(0, 2) : path.split('/').slice(0, 1)).join('/'),
      ),
    );
    expect([...packages].sort()).toEqual(['@token-warden/verifier', 'eventsource-parser']);
  });

  it('type-checks the example against its declarations with skipLibCheck off', () => {
    expect(strictDiagnostics).toEqual([]);
  });
});

describe('examples/resource-api, trusting a Token Warden process', () => {
  it('serves a user their orders, and refuses them once they log out, with the reason', async () => {
    const user = await signUp();
    const created = await callApi(`${apiUrl}/orders`, user.accessToken, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'tea', quantity: 2 }),
    });
    expect(created.status).toBe(201);
    const listed = await callApi(`${apiUrl}/orders`, user.accessToken);
    expect(listed).toMatchObject({ status: 200, body: { orders: [{ item: 'tea', quantity: 2 }] } });
    expect((await callApi(`${apiUrl}/admin/orders`, user.accessToken)).status).toBe(403);

    await postGraphQL(`${serviceUrl}/graphql`, LOGOUT, {}, { token: user.accessToken });
    await waitFor(async () => (await callApi(`${apiUrl}/orders`, user.accessToken)).status === 401, 1000, 'refused');
    const refused = await callApi(`${apiUrl}/orders`, user.accessToken);
    expect(refused.body).toMatchObject({ error: 'TOKEN_REVOKED', reason: 'logged out' });
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  });

  it('answers 401 without a token and serves an administrator everyone’s orders', async () => {
    expect((await callApi(`${apiUrl}/orders`)).status).toBe(401);
    const admin = await adminTokenOf(serviceUrl);
    expect(await callApi(`${apiUrl}/admin/orders`, admin)).toMatchObject({ status: 200 });
    const health = await callApi(`${apiUrl}/healthz`);
    expect(health).toMatchObject({ status: 200, body: { synced: true, current: true } });
  });

  it('answers 503 with Retry-After once the service is gone for longer than its staleness bound', async () => {
    const user = await signUp();
    expect((await callApi(`${apiUrl}/orders`, user.accessToken)).status).toBe(200);
    service?.child.kill('SIGTERM');
    await service?.exited;
    await waitFor(async () => (await callApi(`${apiUrl}/orders`, user.accessToken)).status === 503, 4000, 'stale');
    const stale = await callApi(`${apiUrl}/orders`, user.accessToken);
    expect(stale.headers.get('retry-after')).toBe('2');
    expect((await callApi(`${apiUrl}/healthz`)).status).toBe(503);
  });
});
