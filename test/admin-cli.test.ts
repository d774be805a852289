import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useCliData } from './support/admin-cli';
import { decodeJwtPart } from './support/forge';
import { errorCode } from './support/graphql-client';
import { ME } from './support/operations';
import { startTestServer, TEST_JWT_SECRET, uniqueEmail, type TestServer } from './support/test-server';

// Each test starts the CLI as a process several times, each start opening and migrating a database.
jest.setTimeout(120_000);

const cli = useCliData('cli');
const admin = (args: string[], stdin = '', env?: Record<string, string>) => cli.run(args, { stdin, env });
const embedded = () => cli.embedded();
const startServer = () => cli.startServer();

describe('usage', () => {
  it.each([
    [[], /Usage: npm run admin/],
    [['launch-missiles'], /unknown command "launch-missiles"/],
    [['revoke'], /give exactly one of --jti or --token/],
    [['revoke', '--jti', 'a', '--token', 'b'], /give exactly one of --jti or --token/],
    [['create-user', '--email'], /--email/],
    [['list-revoked', '--limit', 'lots'], /--limit must be 1 to 100/],
    [['purge', '--force'], /Unknown option '--force'/],
    [['list-sessions'], /give exactly one of --user-id or --email/],
    [['revoke-session'], /--id is required/],
  ])('%j exits 2 with the reason and the usage text', async (args, reason) => {
    const result = await admin(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).toContain('Commands:');
  });

  it('help exits 0', async () => {
    const result = await admin(['help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('revoke-user');
    expect(result.stdout).toContain('list-sessions');
    expect(result.stdout).toContain('revoke-session');
  });
});

describe('sessions from the command line', () => {
  it('lists a user’s sessions by email or id and ends one; the service refuses its tokens', async () => {
    let server: TestServer = await startServer();
    const user = await server.register();
    const other = await server.login(user.user.email, user.password);
    const sessions = [user, other];
    const sid = String(decodeJwtPart(other.accessToken, 1).sid);
    if (embedded()) await server.stop({ drop: false });

    const listed = await admin(['list-sessions', '--email', user.user.email]);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(sid);
    expect(listed.stdout).toContain(`\n${sessions.length} live sessions of user ${user.user.id}`);
    const json = await admin(['list-sessions', '--user-id', user.user.id, '--json']);
    const parsed = JSON.parse(json.stdout) as { sessions: Array<{ id: string; ipAddress: string }> };
    expect(parsed.sessions.map((s) => s.id)).toContain(sid);
    expect(parsed.sessions[0]?.ipAddress).toBe('127.0.0.1');

    const ended = await admin(['revoke-session', '--id', sid, '--reason', 'device lost']);
    expect(ended.code).toBe(0);
    expect(ended.stdout).toBe(`ended session ${sid} of user ${user.user.id} (device lost)\n`);
    expect((await admin(['revoke-session', '--id', 'nope'])).stderr).toMatch(/not a valid session id/);
    const missing = await admin(['revoke-session', '--id', '00000000-0000-4000-8000-000000000000']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No session with id/);
    expect((await admin(['list-sessions', '--user-id', user.user.id])).stdout).toContain(
      `\n${sessions.length - 1} live sessions of user ${user.user.id}`,
    );

    if (embedded()) server = await startServer();
    try {
      const me = await server.gql(ME, {}, { token: other.accessToken });
      expect(errorCode(me)).toBe('TOKEN_REVOKED');
      expect(me.errors?.[0]?.extensions?.reason).toBe('device lost');
      expect((await server.gql(ME, {}, { token: user.accessToken })).errors).toBeUndefined();
    } finally {
      await server.stop({ drop: false });
    }
  });
});

describe('on the service’s database', () => {
  it('creates users, revokes tokens and users, lists and purges; the service enforces it', async () => {
    let server: TestServer = await startServer();
    const first = await server.register();
    const second = await server.register();
    // The embedded database belongs to the running service (see the next describe); a PostgreSQL
    // one is shared with it.
    if (embedded()) await server.stop({ drop: false });

    const revoked = await admin(['revoke', '--token', first.accessToken, '--reason', 'laptop stolen']);
    expect(revoked.stderr).toBe('');
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/^revoked \S+ until .*\(laptop stolen\)/);
    expect((await admin(['revoke-user', '--email', second.user.email])).code).toBe(0);

    const listed = await admin(['list-revoked', '--json']);
    expect(listed.code).toBe(0);
    const listing = JSON.parse(listed.stdout) as {
      totalCount: number;
      entries: Array<{ jti: string; reason: string }>;
    };
    expect(listing.entries.map((entry) => entry.reason)).toContain('laptop stolen');

    const email = uniqueEmail('operator');
    const created = await admin(
      ['create-user', '--email', email, '--admin', '--password-stdin'],
      'operator-password-42\n',
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`created ADMIN ${email}`);
    const again = await admin(['create-user', '--email', email]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    const generated = await admin(['create-user', '--email', uniqueEmail('generated')]);
    expect(generated.stdout).toMatch(/password: \S{20,}/);
    expect((await admin(['create-user', '--email', 'not-an-email'])).code).toBe(1);
    expect((await admin(['revoke-user', '--user-id', '00000000-0000-4000-8000-000000000000'])).stderr).toMatch(
      /No user with id/,
    );

    const purged = await admin(['purge']);
    expect(purged.code).toBe(0);
    expect(purged.stdout).toMatch(/^deleted \d+ expired blacklist entries/);

    // On PostgreSQL the running service heard of these revocations as they were made.
    if (embedded()) server = await startServer();
    try {
      expect(errorCode(await server.gql(ME, {}, { token: first.accessToken }))).toBe('TOKEN_REVOKED');
      expect(errorCode(await server.gql(ME, {}, { token: second.accessToken }))).toBe('TOKEN_REVOKED');
      expect((await server.gql(ME, {}, { token: first.accessToken })).errors?.[0]?.extensions?.reason).toBe(
        'laptop stolen',
      );
      const operator = await server.login(email, 'operator-password-42');
      expect(operator.user.role).toBe('ADMIN');
      // Made by an operator: counts as verified, so REQUIRE_VERIFIED_EMAIL never locks it out.
      const verified = await server.gql<{ me: { emailVerified: boolean } }>(
        'query { me { emailVerified } }',
        {},
        { token: operator.accessToken },
      );
      expect(verified.data?.me.emailVerified).toBe(true);
    } finally {
      await server.stop({ drop: false });
    }
  });
});

describe('an embedded database the service holds', () => {
  // On every run, test:pg included: only an embedded database belongs to one process.
  it('is refused to the CLI, naming the process that holds it, and opened once the service stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-warden-cli-busy-'));
    const embeddedEnv = { PATH: process.env.PATH ?? '', DATA_DIR: dir, JWT_SECRET: TEST_JWT_SECRET };
    const server = await startTestServer({
      testDatabase: { target: { kind: 'pglite', dataDir: join(dir, 'pglite') }, drop: () => Promise.resolve() },
      dataDir: dir,
    });
    try {
      const busy = await admin(['purge'], '', embeddedEnv);
      expect(busy.code).toBe(1);
      // The test server runs in this process.
      expect(busy.stderr).toContain(`in use by process ${process.pid}`);
    } finally {
      await server.stop();
    }
    const free = await admin(['purge'], '', embeddedEnv);
    expect(free.stderr).toBe('');
    expect(free.code).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });
});
