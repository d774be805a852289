import type { Tracer } from '@opentelemetry/api';
import type { GraphQLSchema } from 'graphql';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDevSecret } from '../../src/auth/dev-secret';
import type { ScryptCost } from '../../src/auth/passwords';
import { loadConfig, type Config } from '../../src/config';
import { openDatabase, type DatabaseHandle } from '../../src/db/client';
import { buildAppSchema, type ResolverClass } from '../../src/graphql/schema';
import { createLogger } from '../../src/observability/logger';
import { createServer, type TokenWardenServer } from '../../src/server';
import { LogCapture } from './log-capture';
import { postGraphQL, type GraphQLResponse, type RequestOptions } from './graphql-client';
import { LOGIN, REGISTER, type AuthPayloadData } from './operations';
import { TestClock } from './test-clock';
import { createTestDatabase, type TestDatabase } from './test-database';

export const ADMIN_EMAIL = 'admin@token-warden.test';
export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const USER_PASSWORD = 'correct horse battery staple';

export interface StartOptions {
  /** Extra environment for loadConfig (PORT, HOST and DATA_DIR are filled in). */
  env?: Record<string, string>;
  /** Reuse a database, for instance to restart on the same data. */
  testDatabase?: TestDatabase;
  dataDir?: string;
  clock?: TestClock;
  /** A port chosen beforehand, for a server whose URL must be configured before it starts (JWT_ISSUER). */
  port?: number;
  /** Lets a test interpose on the database connection, to play a fault. */
  wrapDatabase?: (database: DatabaseHandle) => DatabaseHandle;
  /** Turns tracing on, with spans going wherever this tracer's provider sends them. */
  tracer?: Tracer;
  /** An app's resolvers beside the built-in ones, as `createTokenWarden` takes them. */
  resolvers?: readonly ResolverClass[];
  /** scrypt's cost for new password hashes; `'server default'` leaves the production one. @default TEST_SCRYPT_COST */
  scryptCost?: ScryptCost | 'server default';
}

export interface TestServer {
  url: string;
  baseUrl: string;
  clock: TestClock;
  config: Config;
  database: DatabaseHandle;
  testDatabase: TestDatabase;
  server: TokenWardenServer;
  /** Every line the server logged. */
  logs: LogCapture;
  gql<TData>(
    query: string,
    variables?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<GraphQLResponse<TData>>;
  /** Registers a fresh user; returns the tokens and the password used. */
  register(email?: string): Promise<AuthPayloadData & { password: string }>;
  login(email: string, password: string): Promise<AuthPayloadData>;
  loginAdmin(): Promise<AuthPayloadData>;
  /** Stops the HTTP server and closes the database; drops it too unless `drop` is false. */
  stop(options?: { drop?: boolean }): Promise<void>;
}

export const TEST_JWT_SECRET = randomBytes(48).toString('base64');

/** Real scrypt at a quarter of a millisecond a hash instead of 50 ms: tests sign in all the time. */
export const TEST_SCRYPT_COST: ScryptCost = { N: 1024, r: 1, p: 1 };

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}@example.com`;
}

/** The built-in schema holds no state of a server's (resolvers read services from the context): one per test file. */
let builtInSchema: GraphQLSchema | undefined;

/** A real HTTP server on a free loopback port, on a database of its own, with the admin bootstrapped. */
export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'token-warden-test-'));
  const config = resolveDevSecret(
    loadConfig({
      JWT_SECRET: TEST_JWT_SECRET,
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
      ...options.env,
      DATA_DIR: dataDir,
    }),
  );
  const testDatabase = options.testDatabase ?? (await createTestDatabase());
  const clock = options.clock ?? new TestClock();
  const logs = new LogCapture();
  const logger = createLogger({ ...config.log, pretty: false }, logs);
  const opened = await openDatabase(testDatabase.target, {
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    tracer: options.tracer,
  });
  const database = options.wrapDatabase ? options.wrapDatabase(opened) : opened;
  await database.migrate();
  const { scryptCost = TEST_SCRYPT_COST } = options;
  const server = await createServer({
    config,
    database,
    clock: clock.now,
    logger,
    tracer: options.tracer,
    scryptCost: scryptCost === 'server default' ? undefined : scryptCost,
    schema: options.resolvers ? buildAppSchema(options.resolvers) : (builtInSchema ??= buildAppSchema()),
  });
  if (config.admin) await server.services.users.bootstrapAdmin(config.admin.email, config.admin.password);
  const address = await server.start(options.port ?? 0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const url = `${baseUrl}/graphql`;

  const gql: TestServer['gql'] = (query, variables, requestOptions) =>
    postGraphQL(url, query, variables, requestOptions);

  const expectPayload = (
    response: GraphQLResponse<Record<string, AuthPayloadData>>,
    field: string,
  ): AuthPayloadData => {
    const payload = response.data?.[field];
    if (!payload) throw new Error(`${field} failed: ${JSON.stringify(response.errors)}`);
    return payload;
  };

  const login = async (email: string, password: string) =>
    expectPayload(await gql<Record<string, AuthPayloadData>>(LOGIN, { email, password }), 'login');

  return {
    url,
    baseUrl,
    clock,
    config,
    database,
    testDatabase,
    server,
    logs,
    gql,
    register: async (email = uniqueEmail()) => ({
      ...expectPayload(
        await gql<Record<string, AuthPayloadData>>(REGISTER, { email, password: USER_PASSWORD }),
        'register',
      ),
      password: USER_PASSWORD,
    }),
    login,
    loginAdmin: () => login(ADMIN_EMAIL, ADMIN_PASSWORD),
    stop: async ({ drop = true } = {}) => {
      await server.stop();
      await database.close();
      if (drop) {
        await testDatabase.drop();
        if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
