import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDevSecret } from '../src/auth/dev-secret';
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
    adminSandbox: false,
    cleanupIntervalSeconds: 3600,
    shutdownGraceMs: 10_000,
    revocationEventsMaxStreamsPerClient: 100,
  });
  expect(config.jwt).toMatchObject({
    issuer: 'token-warden',
    audience: 'token-warden',
    accessTokenTtlSeconds: 900,
    verifiedTokenCacheSize: 10_000,
  });
});

it('reads the environment without writing: the development secret is left to the start', () => {
  expect(loadConfig({ DATA_DIR: dataDir }).jwt.secret).toBeUndefined();
  expect(readdirSync(dataDir)).toEqual([]);
});

it('generates the development secret once and reuses it', () => {
  const first = resolveDevSecret(loadConfig({ DATA_DIR: dataDir })).jwt.secret;
  const second = resolveDevSecret(loadConfig({ DATA_DIR: dataDir })).jwt.secret;
  expect(first.length).toBeGreaterThanOrEqual(32);
  expect(second.equals(first)).toBe(true);
  expect(readFileSync(join(dataDir, 'jwt-secret')).length).toBeGreaterThan(0);
});

it('takes JWT_SECRET as given and needs it in production', () => {
  const secret = 's'.repeat(32);
  expect(loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production', JWT_SECRET: secret }).jwt.secret?.toString()).toBe(
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
  ['SHUTDOWN_GRACE_SECONDS', '3601'],
  ['TOKEN_CACHE_SIZE', '-1'],
  ['REVOCATION_CHECK', 'sometimes'],
  ['DATABASE_URL', 'not a url'],
  ['DATABASE_DIRECT_URL', 'not a url'],
  ['DATABASE_DIRECT_URL', 'mysql://db.example.com/app'],
  ['JWT_SECRET', 'short'],
  ['ADMIN_EMAIL', 'admin'],
  ['ADMIN_SANDBOX', 'yes'],
  ['ADMIN_REQUIRE_MFA', 'yes'],
  ['STEP_UP_MAX_AGE_SECONDS', '29'],
  ['STEP_UP_MAX_AGE_SECONDS', '86401'],
  ['REVOCATION_EVENTS_MAX_STREAMS_PER_CLIENT', '0'],
  ['REVOCATION_EVENTS_MAX_STREAMS_PER_CLIENT', 'many'],
])('names %s when its value is bad', (variable, value) => {
  const env = {
    DATA_DIR: dataDir,
    ADMIN_PASSWORD: 'long-enough-password',
    ADMIN_EMAIL: 'a@example.com',
    [variable]: value,
  };
  expect(() => loadConfig(env)).toThrow(expect.objectContaining({ variable }) as Error);
});

describe('DATABASE_DIRECT_URL', () => {
  const databaseUrl = 'postgres://pooler.example.com:6543/app';

  it('is unset by default: LISTEN and the migrations use DATABASE_URL', () => {
    expect(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl }).databaseDirectUrl).toBeUndefined();
  });

  it('takes a PostgreSQL URL beside DATABASE_URL', () => {
    const directUrl = 'postgresql://db.example.com:5432/app';
    const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl, DATABASE_DIRECT_URL: directUrl });
    expect(config).toMatchObject({ databaseUrl, databaseDirectUrl: directUrl });
  });

  it('needs DATABASE_URL', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir, DATABASE_DIRECT_URL: 'postgres://db.example.com/app' })).toThrow(
      'DATABASE_DIRECT_URL needs DATABASE_URL',
    );
  });
});

describe('REVOCATION_BUS', () => {
  it('is postgres by default, polling every 100 ms when notifications do not arrive, stale after 2 s', () => {
    expect(loadConfig({ DATA_DIR: dataDir })).toMatchObject({
      revocationBus: { kind: 'postgres' },
      revocationPollMs: 100,
      revocationMaxStalenessMs: 2000,
      logReadIntervalMs: 500,
    });
  });

  it.each([
    [
      'nats',
      { NATS_URL: 'nats://127.0.0.1:4222' },
      { kind: 'nats', url: 'nats://127.0.0.1:4222', name: 'token-warden' },
    ],
    [
      'redis',
      { REDIS_URL: 'redis://127.0.0.1:6379/2' },
      { kind: 'redis', url: 'redis://127.0.0.1:6379/2', name: 'token-warden' },
    ],
  ])('takes %s with its URL', (bus, env, expected) => {
    expect(loadConfig({ DATA_DIR: dataDir, REVOCATION_BUS: bus, ...env }).revocationBus).toEqual(expected);
  });

  it.each([
    [{ REVOCATION_BUS: 'kafka' }, 'REVOCATION_BUS must be one of "postgres", "nats", "redis", got "kafka"'],
    [{ REVOCATION_BUS: 'nats' }, 'NATS_URL is required with REVOCATION_BUS=nats'],
    [{ REVOCATION_BUS: 'nats', NATS_URL: 'localhost:4222' }, 'NATS_URL must start with nats:// or tls://'],
    [{ REVOCATION_BUS: 'redis' }, 'REDIS_URL is required with REVOCATION_BUS=redis'],
    [{ REVOCATION_BUS: 'redis', REDIS_URL: 'http://cache:6379' }, 'REDIS_URL must start with redis:// or rediss://'],
    [
      { REVOCATION_BUS: 'redis', REDIS_URL: 'redis://cache', REVOCATION_BUS_NAME: 'a b' },
      'REVOCATION_BUS_NAME must be',
    ],
    [{ REVOCATION_POLL_MS: '5' }, 'REVOCATION_POLL_MS must be between 10 and 60000, got 5'],
    [{ REVOCATION_POLL_MS: 'often' }, 'REVOCATION_POLL_MS must be a whole number, got "often"'],
    [
      { REVOCATION_POLL_MS: '1500' },
      'REVOCATION_POLL_MS must be at most half of REVOCATION_MAX_STALENESS_MS (2000), got 1500',
    ],
    [{ REVOCATION_MAX_STALENESS_MS: '50' }, 'REVOCATION_MAX_STALENESS_MS must be between 200 and 600000, got 50'],
  ])('stops the start on %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig({ DATA_DIR: dataDir, ...env })).toThrow(message);
  });

  it('reads the log four times per staleness bound at least', () => {
    expect(loadConfig({ DATA_DIR: dataDir, REVOCATION_MAX_STALENESS_MS: '10000' }).logReadIntervalMs).toBe(1000);
    expect(loadConfig({ DATA_DIR: dataDir, REVOCATION_MAX_STALENESS_MS: '800' }).logReadIntervalMs).toBe(200);
  });
});

describe('CORS_ORIGINS', () => {
  it('is empty when unset: no cross-origin grant', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).corsOrigins).toEqual([]);
  });

  it('takes a comma-separated list of exact origins', () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      CORS_ORIGINS: 'https://app.example.com, http://127.0.0.1:5173 ,http://localhost:3000',
    });
    expect(config.corsOrigins).toEqual(['https://app.example.com', 'http://127.0.0.1:5173', 'http://localhost:3000']);
  });

  it.each([
    ['*', /"\*" is never allowed/],
    ['https://app.example.com,*', /"\*" is never allowed/],
    ['app.example.com', /"app.example.com", which is not an exact origin/],
    ['https://app.example.com/', /"https:\/\/app.example.com\/", which is not an exact origin/],
    ['https://app.example.com/path', /not an exact origin/],
    ['https://App.example.com', /not an exact origin/],
    ['https://app.example.com:443', /not an exact origin/],
    ['ftp://app.example.com', /not an exact origin/],
    ['https://user@app.example.com', /not an exact origin/],
    ['https://app.example.com,,http://127.0.0.1:5173', /"", which is not an exact origin/],
  ])('refuses %p, naming CORS_ORIGINS', (value, problem) => {
    let thrown: unknown;
    try {
      loadConfig({ DATA_DIR: dataDir, CORS_ORIGINS: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe('CORS_ORIGINS');
    expect((thrown as ConfigError).message).toMatch(problem);
  });
});

describe('WEBAUTHN_*', () => {
  const webauthn = (env: Record<string, string> = {}) => loadConfig({ DATA_DIR: dataDir, ...env }).webauthn;

  it('defaults to localhost and the example app served by that name', () => {
    expect(webauthn()).toEqual({ rpId: 'localhost', rpName: 'Token Warden', origins: ['http://localhost:5173'] });
  });

  it("takes the relying party from APP_URL's host, and the origins from APP_URL and CORS_ORIGINS", () => {
    expect(
      webauthn({
        APP_URL: 'https://app.example.com/ui',
        CORS_ORIGINS: 'https://admin.app.example.com,https://other.example.net',
      }),
    ).toEqual({
      rpId: 'app.example.com',
      rpName: 'Token Warden',
      origins: ['https://app.example.com', 'https://admin.app.example.com'],
    });
  });

  it('takes the settings as given', () => {
    expect(
      webauthn({
        WEBAUTHN_RP_ID: 'example.com',
        WEBAUTHN_RP_NAME: 'Example',
        WEBAUTHN_ORIGINS: 'https://example.com, https://app.example.com',
      }),
    ).toEqual({ rpId: 'example.com', rpName: 'Example', origins: ['https://example.com', 'https://app.example.com'] });
  });

  it.each([
    [{ WEBAUTHN_RP_ID: 'https://example.com' }, 'WEBAUTHN_RP_ID', /must be a domain/],
    [{ WEBAUTHN_RP_ID: '127.0.0.1' }, 'WEBAUTHN_RP_ID', /must be a domain/],
    [{ WEBAUTHN_ORIGINS: 'example.com' }, 'WEBAUTHN_ORIGINS', /not an exact origin/],
    [{ WEBAUTHN_ORIGINS: 'https://localhost/' }, 'WEBAUTHN_ORIGINS', /not an exact origin/],
    [
      { WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://evil.example.net' },
      'WEBAUTHN_ORIGINS',
      /not example.com nor under it/,
    ],
  ])('refuses %p, naming %s', (env, variable, problem) => {
    let thrown: unknown;
    try {
      webauthn(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    expect((thrown as ConfigError).message).toMatch(problem);
  });
});
