import { sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../src/db/client';
import { useCliData } from './support/admin-cli';
import { decodeJwtPart } from './support/forge';
import { errorCode } from './support/graphql-client';
import { ME } from './support/operations';
import { TEST_JWT_SECRET, type TestServer } from './support/test-server';

// Each test starts the CLI as a process several times, each start opening and migrating a database.
jest.setTimeout(120_000);

const cli = useCliData('cli-audit');
const admin = (args: string[], env?: Record<string, string>) => cli.run(args, { env });
const embedded = () => cli.embedded();
const startServer = () => cli.startServer();

/** Runs `work` on the service's database while no service holds it (the embedded one has a single owner). */
async function onDatabase(work: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<void>): Promise<void> {
  const database = await openDatabase(cli.testDatabase.target);
  try {
    await work(database.db);
  } finally {
    await database.close();
  }
}

interface KeyLine {
  kid: string;
  algorithm: string;
  state: string;
  createdAt: string;
  activatedAt: string;
  retiredAt: string | null;
}

describe('usage', () => {
  it.each([
    [['list-keys', 'all'], /Unexpected argument 'all'/],
    [['rotate-key', '--now'], /Unknown option '--now'/],
    [['revoke-key'], /--kid is required/],
    [['revoke-key', '--kid'], /--kid/],
    [['revoke-key', '--reason', 'x'], /--kid is required/],
    [['export-audit', '--since', 'yesterday'], /--since must be an ISO 8601/],
    [['export-audit', '--until', '2026-13-45'], /--until must be an ISO 8601/],
    [['export-audit', '--since', '2026-02-01', '--until', '2026-01-01'], /--since must be before --until/],
    [['export-audit', '--out'], /--out/],
    [['verify-audit', '--repair'], /Unknown option '--repair'/],
  ])('%j exits 2 with the reason and the usage text', async (args, reason) => {
    const result = await admin(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).toContain('Commands:');
    expect(result.stdout).toBe('');
  });

  it('a database that cannot be reached: one clear line and exit 1', async () => {
    const result = await admin(['verify-audit'], {
      PATH: cli.env.PATH ?? '',
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: 'postgres://postgres:do-not-show@127.0.0.1:1/none',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^token-warden-admin verify-audit: the database cannot be reached \(.*\)\n$/);
    expect(result.stderr).not.toContain('do-not-show');
  });
});

describe('signing keys from the command line', () => {
  it('lists, rotates and revokes keys; the service refuses what a revoked key signed and audits it', async () => {
    let server: TestServer = await startServer();
    const user = await server.register();
    const signedWith = String(decodeJwtPart(user.accessToken, 0).kid);
    if (embedded()) await server.stop({ drop: false });

    const listed = await admin(['list-keys', '--json']);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    const { keys } = JSON.parse(listed.stdout) as { keys: KeyLine[] };
    expect(Object.keys(keys[0] ?? {}).sort()).toEqual(
      ['activatedAt', 'algorithm', 'createdAt', 'kid', 'retiredAt', 'state'].sort(),
    );
    expect(keys).toContainEqual(expect.objectContaining({ kid: signedWith, state: 'ACTIVE', retiredAt: null }));
    const human = await admin(['list-keys']);
    expect(human.stdout).toContain(`${signedWith}\t`);
    expect(human.stdout).toMatch(/\n\d+ signing keys\n$/);

    const rotated = await admin(['rotate-key', '--json']);
    expect(rotated.code).toBe(0);
    const next = (JSON.parse(rotated.stdout) as { key: KeyLine }).key;
    expect(next.state).toBe('NEXT');

    const revoked = await admin(['revoke-key', '--kid', signedWith, '--reason', 'key leaked']);
    expect(revoked.stderr).toBe('');
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`revoked key ${signedWith} (key leaked)`);
    const unknown = await admin(['revoke-key', '--kid', 'no-such-kid']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No signing key with kid no-such-kid');

    const after = JSON.parse((await admin(['list-keys', '--json'])).stdout) as { keys: KeyLine[] };
    expect(after.keys).toContainEqual(expect.objectContaining({ kid: signedWith, state: 'REVOKED' }));

    // On PostgreSQL the running service heard of it as it was made.
    if (embedded()) server = await startServer();
    try {
      const refused = await server.gql(ME, {}, { token: user.accessToken });
      expect(errorCode(refused)).toBe('TOKEN_REVOKED');
      expect(refused.errors?.[0]?.extensions?.reason).toBe('key leaked');
      const audit = await server.gql<{ auditEvents: { edges: Array<{ node: { action: string; reason: string } }> } }>(
        'query { auditEvents(first: 10) { edges { node { action reason } } } }',
        {},
        { token: (await server.loginAdmin()).accessToken },
      );
      const actions = audit.data?.auditEvents.edges.map((edge) => edge.node) ?? [];
      expect(actions).toContainEqual({ action: 'SIGNING_KEY_REVOKED', reason: `${signedWith}: key leaked` });
    } finally {
      await server.stop({ drop: false });
    }
  });
});

describe('the audit trail from the command line', () => {
  it('exports it as JSON Lines with the links, and verify-audit counts it, then names what a superuser changed', async () => {
    const server = await startServer();
    await server.register();
    await server.server.services.auditChain.seal();
    await server.stop({ drop: false });

    const exported = await admin(['export-audit']);
    expect(exported.code).toBe(0);
    const lines = exported.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: number; seal: { position: number } | null });
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.map((line) => line.id)).toEqual([...lines.map((line) => line.id)].sort((a, b) => a - b));
    expect(lines.every((line) => line.seal !== null)).toBe(true);

    const file = join(cli.dataDir, 'audit.jsonl');
    const written = await admin(['export-audit', '--since', '2000-01-01', '--out', file]);
    expect(written.stdout).toBe(`wrote ${lines.length} audit events to ${file}\n`);
    expect(readFileSync(file, 'utf8')).toBe(exported.stdout);
    expect((await admin(['export-audit', '--until', '2000-01-01T00:00:00Z'])).stdout).toBe('');

    const verified = await admin(['verify-audit']);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(new RegExp(`^verified ${lines.length} audit events; the chain ends at event `));

    const changed = lines[1]?.id ?? 0;
    await onDatabase(async (db) => {
      await db.transaction(async (tx) => {
        await tx.execute(sql`alter table audit_events disable trigger user`);
        await tx.execute(sql`update audit_events set reason = 'edited' where id = ${changed}`);
        await tx.execute(sql`alter table audit_events enable trigger user`);
      });
    });
    const broken = await admin(['verify-audit']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toBe(
      `token-warden-admin verify-audit: audit trail broken after 1 events: event ${changed} was changed, or the link before it: its link at position 2 no longer follows\n`,
    );
    const json = await admin(['verify-audit', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, kind: 'changed', eventId: changed, verified: 1 });
  });
});
