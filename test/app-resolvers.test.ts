import { sql } from 'drizzle-orm';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger,
  createTokenWarden,
  loadConfig,
  printCombinedSchema,
  UnguardedOperationsError,
  type TokenWarden,
  type TokenWardenOptions,
} from '../src/index';
import { postGraphQL } from './support/graphql-client';
import { LogCapture } from './support/log-capture';
import { LOGIN, REGISTER, type AuthPayloadData } from './support/operations';
import {
  ContradictoryResolver,
  Moderation,
  SampleAppResolver,
  ShadowingResolver,
  UnguardedResolver,
} from './support/sample-app';
import { createTestDatabase, writeEmbeddedDatabase, type TestDatabase } from './support/test-database';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TEST_JWT_SECRET, uniqueEmail, USER_PASSWORD } from './support/test-server';
import { settlesWithin } from './support/wait';
import { connectLive } from './support/ws-client';

const APP_MIGRATIONS = join(__dirname, 'fixtures', 'app-migrations');

let dataDir: string;
let testDatabase: TestDatabase;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'token-warden-app-'));
  testDatabase = await createTestDatabase();
});

afterAll(async () => {
  await testDatabase.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

function optionsWith(extra: Partial<TokenWardenOptions>): TokenWardenOptions {
  const config = loadConfig({
    JWT_SECRET: TEST_JWT_SECRET,
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    DATA_DIR: dataDir,
    ...(testDatabase.target.kind === 'postgres' ? { DATABASE_URL: testDatabase.target.url } : {}),
  });
  return { config, logger: createLogger({ level: 'warn', pretty: false }, new LogCapture()), ...extra };
}

describe('deny by default for an app’s resolvers', () => {
  it('refuses to start with an unguarded operation, naming each one, before opening the database', async () => {
    // Both kinds of database, whichever this run uses: no embedded directory is made, and no
    // connection reaches the PostgreSQL server DATABASE_URL names.
    let connections = 0;
    const postgresDoor = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => postgresDoor.listen(0, '127.0.0.1', resolve));
    const { port } = postgresDoor.address() as AddressInfo;
    const ownDir = mkdtempSync(join(tmpdir(), 'token-warden-app-unguarded-'));
    const env = { JWT_SECRET: TEST_JWT_SECRET, ADMIN_EMAIL, ADMIN_PASSWORD, DATA_DIR: ownDir };
    const configs = [loadConfig({ ...env, DATABASE_URL: `postgres://app@127.0.0.1:${port}/app` }), loadConfig(env)];
    try {
      for (const config of configs) {
        const failure = createTokenWarden(optionsWith({ config, resolvers: [SampleAppResolver, UnguardedResolver] }));
        // A start that went on to the database would wait for it: fail here rather than at jest's timeout.
        const refused = await settlesWithin(
          failure.catch(() => undefined),
          5_000,
        );
        expect({ database: config.databaseUrl ?? 'embedded', refusedWithin5s: refused }).toEqual({
          database: config.databaseUrl ?? 'embedded',
          refusedWithin5s: true,
        });
        await expect(failure).rejects.toBeInstanceOf(UnguardedOperationsError);
        await expect(failure).rejects.toMatchObject({
          code: 'UNGUARDED_OPERATIONS',
          unguarded: ['Query.leak', 'Subscription.drip'],
        });
        await expect(failure).rejects.toThrow('Query.leak, Subscription.drip carry neither @Auth() nor @Public()');
      }
      expect(existsSync(join(ownDir, 'pglite'))).toBe(false);
      expect(connections).toBe(0);
    } finally {
      await new Promise<void>((resolve) => postgresDoor.close(() => resolve()));
      rmSync(ownDir, { recursive: true, force: true });
    }
  });

  it('refuses an operation marked both @Auth and @Public()', async () => {
    const failure = createTokenWarden(optionsWith({ resolvers: [ContradictoryResolver] }));
    await expect(failure).rejects.toMatchObject({ contradictory: ['Query.undecided'] });
    await expect(failure).rejects.toThrow('Query.undecided carries both @Auth and @Public()');
  });

  it('refuses what is not a resolver class, and an operation named like a built-in one', async () => {
    await expect(createTokenWarden(optionsWith({ resolvers: [Moderation] }))).rejects.toThrow(
      'resolvers[0] (Moderation) is not a type-graphql resolver: decorate it with @Resolver()',
    );
    const notAClass = [42] as unknown as TokenWardenOptions['resolvers'];
    await expect(createTokenWarden(optionsWith({ resolvers: notAClass }))).rejects.toThrow(
      'resolvers[0] is not a class',
    );
    await expect(createTokenWarden(optionsWith({ resolvers: [ShadowingResolver] }))).rejects.toThrow(
      'Query.me already exist among the built-in operations',
    );
  });

  it('refuses app migrations without a journal, or recorded in Token Warden’s own journal', async () => {
    await expect(createTokenWarden(optionsWith({ migrations: { folder: dataDir } }))).rejects.toThrow(
      'has no meta/_journal.json',
    );
    const shared = { folder: APP_MIGRATIONS, table: '__drizzle_migrations' };
    await expect(createTokenWarden(optionsWith({ migrations: shared }))).rejects.toThrow(
      "Token Warden's own migrations are recorded there",
    );
  });
});

describe('an app’s resolvers on createTokenWarden', () => {
  let warden: TokenWarden;
  let url: string;
  let user: string;
  let admin: string;

  beforeAll(async () => {
    await writeEmbeddedDatabase(dataDir);
    warden = await createTokenWarden(
      optionsWith({ resolvers: [SampleAppResolver], migrations: { folder: APP_MIGRATIONS } }),
    );
    const address = await warden.start(0, '127.0.0.1');
    url = `http://127.0.0.1:${address.port}/graphql`;
    const registered = await postGraphQL<{ register: AuthPayloadData }>(url, REGISTER, {
      email: uniqueEmail('app'),
      password: USER_PASSWORD,
    });
    user = registered.data?.register.accessToken ?? '';
    const login = await postGraphQL<{ login: AuthPayloadData }>(url, LOGIN, {
      email: ADMIN_EMAIL,
      password: ADMIN_PASSWORD,
    });
    admin = login.data?.login.accessToken ?? '';
  });

  afterAll(() => warden.stop());

  it('guards single fields and whole types of the app with the same rules as the built-in ones', async () => {
    expect((await postGraphQL(url, '{ greeting }')).data).toEqual({ greeting: 'hello' });
    const anonymous = await postGraphQL(url, '{ profile { userId } }');
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const profile = await postGraphQL<{ profile: { userId: string; internalNote: string | null } }>(
      url,
      '{ profile { userId internalNote } }',
      {},
      { token: user },
    );
    expect(profile.data?.profile.internalNote).toBeNull();
    expect(profile.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [['profile', 'internalNote'], 'FORBIDDEN'],
    ]);
    const moderation = await postGraphQL(url, '{ moderation { pending } }', {}, { token: user });
    expect(moderation.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await postGraphQL(url, '{ moderation { pending } }', {}, { token: admin })).data).toEqual({
      moderation: { pending: 3 },
    });
  });

  it('guards an app subscription where it starts, and lets a @Public() one run for anyone', async () => {
    const anonymous = connectLive(url);
    await anonymous.connected;
    const refused = anonymous.subscribe<{ tick: number }>('subscription { tick }');
    await refused.done;
    expect(refused.results[0]?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refused.results[0]?.data ?? null).toBeNull();
    const open = anonymous.subscribe<{ publicTick: number }>('subscription { publicTick }');
    await open.done;
    expect(open.results.map((result) => result.data)).toEqual([{ publicTick: 1 }]);
    await anonymous.dispose();

    const signedIn = connectLive(url, { token: user });
    await signedIn.connected;
    const ticks = signedIn.subscribe<{ tick: number }>('subscription { tick }');
    await ticks.done;
    expect(ticks.results.map((result) => result.data)).toEqual([{ tick: 1 }, { tick: 2 }, { tick: 3 }]);
    await signedIn.dispose();
  });

  it('applies the app’s migrations with a journal of their own', async () => {
    await warden.services.db.execute(sql`insert into bookmarks (url) values ('https://example.com')`);
    const journal = await warden.services.db
      .select({ applied: sql<number>`count(*)::int` })
      .from(sql`drizzle.__app_migrations`);
    expect(journal).toEqual([{ applied: 1 }]);
  });

  it('prints the combined schema with the app’s rules and without the public marker', () => {
    const sdl = printCombinedSchema([SampleAppResolver]);
    expect(sdl).toMatch(/type Moderation @auth\(requires: ADMIN\)/);
    expect(sdl).toMatch(/tick: Int! @auth\(requires: USER\)/);
    expect(sdl).toMatch(/greeting: String!\n/);
    expect(sdl).toMatch(/me: User! @auth\(requires: USER\)/);
    expect(sdl).not.toMatch(/@public|tokenWardenPublic/i);
  });
});
