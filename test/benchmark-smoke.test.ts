import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// `npm run bench` in its tiny mode, so that the benchmark cannot rot unnoticed. With
// TEST_DATABASE_URL (npm run test:pg) it runs the PostgreSQL, slow-database and propagation parts too.
const root = join(__dirname, '..');
const postgresUrl = process.env.TEST_DATABASE_URL;
let outDir: string;

beforeAll(() => {
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.bench.json'],
    {
      cwd: root,
    },
  );
  outDir = mkdtempSync(join(tmpdir(), 'token-warden-bench-smoke-'));
}, 120_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

// Label, database, requests/s, the rounds' spread, × baseline, × bare Apollo Server.
const row = (label: string, database: string) =>
  new RegExp(
    `^\\| ${label.replace(/[{}()+.`]/g, '\\$&')} \\| ${database} \\| \\d+ \\| \\d+–\\d+ \\| \\d+\\.\\d\\d × \\| \\d+\\.\\d\\d × \\|`,
    'm',
  );

it('runs every configuration and writes results.md and a PNG chart', async () => {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  if (postgresUrl) env.DATABASE_URL = postgresUrl;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(root, 'dist-bench', 'bench', 'main.js'), '--tiny', '--out', outDir],
    // Under test:pg it runs the PostgreSQL, slow-database and propagation parts as well.
    { cwd: root, env, timeout: postgresUrl ? 480_000 : 240_000 },
  );
  const markdown = readFileSync(join(outDir, 'results.md'), 'utf8');
  expect(stdout).toContain(markdown.split('\n')[0]);

  expect(markdown).toMatch(row('Bare Apollo Server 5 + Express 5, same schema, `{ __typename }`', 'embedded'));
  expect(markdown).toMatch(row('Mirror: valid token, `me { id email role }`', 'embedded'));
  expect(markdown).toMatch(
    /^\| No token ≥ 0\.90 × a bare Apollo Server \| \d\.\d\d × \(by server CPU per request: \d\.\d\d ×\) \| (met|missed) \|$/m,
  );
  expect(markdown).toMatch(/^\| Valid token on the mirror ≥ 0\.85 × a bare Apollo Server \| \d\.\d\d × /m);

  const kinds = postgresUrl ? ['embedded', 'postgres'] : ['embedded'];
  for (const kind of kinds) {
    expect(markdown).toMatch(row('Baseline: { __typename }, no token', kind));
    expect(markdown).toMatch(row('Mirror: valid token', kind));
    expect(markdown).toMatch(row('Database: valid token', kind));
    // Met or missed may depend on the machine for the timing targets, never for this one.
    expect(markdown).toMatch(
      new RegExp(
        `^\\| Zero database statements per authenticated request on the mirror \\(${kind}\\) \\| ` +
          `0\\.0000 per request beyond the reconcile, the key poll, the audit sealer and the mail poll \\([\\d.]+ with them\\) \\| met \\|$`,
        'm',
      ),
    );
  }
  expect(markdown).toMatch(row('Revoked token (mirror)', postgresUrl ? 'postgres' : 'embedded'));
  const scaleKind = postgresUrl ? 'postgres' : 'embedded';
  expect(markdown).toMatch(row('Mirror, 5 k revocations', scaleKind));
  expect(markdown).toMatch(row('Database, 5 k revocations', scaleKind));
  if (postgresUrl) {
    expect(markdown).toMatch(row('Mirror, database +5 ms each way', 'postgres'));
    expect(markdown).toMatch(/^20 revocations on instance A/m);
    expect(markdown).toMatch(/^\| Propagation p99 ≤ 100 ms \| [\d.]+ ms \| (met|missed) \|$/m);
    // Bus, connection, instances, the mode every instance reported, revocations timed, p50.
    const busRow = (label: string, instances: number, mode: string) =>
      new RegExp(
        `^\\| ${label.replace(/[()`.]/g, '\\$&')} \\| ${instances} \\| ${mode} \\| 20 \\| [\\d.]+ ms \\|`,
        'm',
      );
    expect(markdown).toMatch(busRow('`postgres`, direct', 2, 'notify'));
    expect(markdown).toMatch(busRow('`postgres` behind PgBouncer', 2, 'poll'));
    expect(markdown).toMatch(busRow('`postgres` behind PgBouncer, `DATABASE_DIRECT_URL` direct', 2, 'notify'));
    expect(markdown).toMatch(busRow('`postgres`, direct', 3, 'notify'));
    // The smoke run is given no NATS or Redis: their rows say so instead of failing.
    expect(markdown).toMatch(/^\| `nats` behind PgBouncer \| 2 \| – \| not run \(no NATS given: /m);
    expect(markdown).toMatch(/^\| `redis` behind PgBouncer \| 2 \| – \| not run \(no Redis given: /m);
    expect(markdown).toMatch(/^Revocations per second: 8 clients, .*: \*\*\d+ revocations\/s\*\*/m);
    expect(markdown).toMatch(
      /^Catch-up: an instance 500 log versions behind read and applied them in \*\*[\d.]+ ms\*\*/m,
    );
  } else {
    expect(markdown).toContain('Not run: it needs `DATABASE_URL` (two instances');
    expect(markdown).toContain('## Revocation bus\n\nNot run: it needs `DATABASE_URL` and the bus part.');
  }
  expect(markdown).toMatch(/^\| valid token, mirror check \| \d+ \|/m);
  expect(markdown).toMatch(
    /^- Control, in rounds of its own: the same 200 sockets on a bare Apollo Server .*: [\d.]+ KB of heap each; throughput \d\.\d\d × /m,
  );
  expect(markdown).toMatch(
    /with 200 idle sockets open ≥ 0\.9 × without .* \(bare Apollo Server \+ graphql-ws: \d\.\d\d ×\) \| (met|missed) \|$/m,
  );
  for (const kind of kinds) {
    expect(markdown).toMatch(
      new RegExp(
        `^\\| ${kind} \\| [\\d.]+ \\| [\\d.]+ \\| \\d\\.\\d{3} × \\| \\d+ / \\d+ \\| \\d+ in 1 rounds \\|$`,
        'm',
      ),
    );
    expect(markdown).toMatch(
      new RegExp(
        `^\\| Login throughput with audit sealing ≥ 0\\.95 × without \\(${kind}\\) \\| \\d\\.\\d{3} × .* \\| (met|missed) \\|$`,
        'm',
      ),
    );
  }

  // The status-list part's issuing comparison, at its tiny size: one round on one pair of processes.
  expect(markdown).toMatch(
    /^\| login \+ refreshToken pairs\/s, status lists on \/ off, .* \(1 alternating rounds on 1 fresh pairs of server processes\) \| \d+ \/ \d+: \d\.\d{3} × \|$/m,
  );
  expect(markdown).toMatch(/^\| Server CPU per pair, on \/ off .* \| \d+ \/ \d+ µs: \d\.\d{3} × \|$/m);
  expect(markdown).toMatch(
    /^\| login \+ refreshToken throughput with status lists ≥ 0\.95 × without \| \d\.\d{3} × \(by server CPU per pair: \d\.\d{3} ×\) \| (met|missed) \|$/m,
  );

  // The verifier part, at its tiny sizes: 2 verifier processes, 10 revocations, 5 000 held, 50 streams.
  const verifierRow = (setting: string) =>
    new RegExp(`^\\| ${setting} \\| 2 \\| 10 \\| [\\d.]+ ms / [\\d.]+ ms / [\\d.]+ ms \\|`, 'm');
  expect(markdown).toMatch(verifierRow('embedded, one instance'));
  if (postgresUrl) expect(markdown).toMatch(verifierRow('postgres, revoked on A, streamed from B'));
  else expect(markdown).toContain('Two instances on PostgreSQL: not run (needs `DATABASE_URL`).');
  expect(markdown).toMatch(/^\| `verify\(\)` of a known token \(cache hit\), .* \| [\d.]+ \/ [\d.]+ \/ [\d.]+ µs \|$/m);
  // A fetch per verify() once synced is a defect, however fast the machine.
  expect(markdown).toMatch(/^\| Network calls per `verify\(\)` once synced: 0 \| 0 in \d+ \| met \|$/m);
  expect(markdown).toMatch(
    /^\| A fresh verifier syncing 5000 revocations .* \| [\d.]+ bytes \([\d.]+ MB for 5000 jtis\) \|$/m,
  );
  expect(markdown).toMatch(/^\| One instance serving 50 raw streams .* \| [\d.]+ KB /m);

  const png = readFileSync(join(outDir, 'throughput.png'));
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.length).toBeGreaterThan(10_000);
}, 540_000);
