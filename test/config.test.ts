import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../src/config';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'token-warden-config-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

it('has the documented defaults', () => {
  const config = loadConfig({ DATA_DIR: dataDir });
  expect(config).toMatchObject({
    production: false,
    port: 4000,
    host: '127.0.0.1',
    databaseUrl: undefined,
    refreshTokenTtlSeconds: 30 * 86_400,
    refreshReuseGraceSeconds: 0,
    admin: undefined,
    cleanupIntervalSeconds: 3600,
  });
  expect(config.jwt).toMatchObject({
    issuer: 'token-warden',
    audience: 'token-warden',
    accessTokenTtlSeconds: 900,
    verifiedTokenCacheSize: 10_000,
  });
});

it('generates the development secret once and reuses it', () => {
  const first = loadConfig({ DATA_DIR: dataDir }).jwt.secret;
  const second = loadConfig({ DATA_DIR: dataDir }).jwt.secret;
  expect(first.length).toBeGreaterThanOrEqual(32);
  expect(second.equals(first)).toBe(true);
  expect(readFileSync(join(dataDir, 'jwt-secret')).length).toBeGreaterThan(0);
});

it('takes JWT_SECRET as given and needs it in production', () => {
  const secret = 's'.repeat(32);
  expect(loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production', JWT_SECRET: secret }).jwt.secret.toString()).toBe(
    secret,
  );
  expect(() => loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production' })).toThrow(ConfigError);
});

it.each([
  ['PORT', '70000'],
  ['ACCESS_TOKEN_TTL', '1.5'],
  ['REFRESH_TOKEN_TTL', 'forever'],
  ['REFRESH_REUSE_GRACE_SECONDS', '100000'],
  ['CLEANUP_INTERVAL_SECONDS', '0'],
  ['TOKEN_CACHE_SIZE', '-1'],
  ['REVOCATION_CHECK', 'sometimes'],
  ['DATABASE_URL', 'not a url'],
  ['JWT_SECRET', 'short'],
  ['ADMIN_EMAIL', 'admin'],
])('names %s when its value is bad', (variable, value) => {
  const env = {
    DATA_DIR: dataDir,
    ADMIN_PASSWORD: 'long-enough-password',
    ADMIN_EMAIL: 'a@example.com',
    [variable]: value,
  };
  expect(() => loadConfig(env)).toThrow(expect.objectContaining({ variable }) as Error);
});
