import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { freePort } from './free-port';
import { waitFor } from './wait';
import type { DatabaseTarget } from '../../src/db/client';
import type { TestDatabase } from './test-database';

const PGBOUNCER = '/usr/sbin/pgbouncer';

/** PgBouncer refuses to run as root: as root it runs as `postgres`, otherwise as the current user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * PgBouncer in `pool_mode = transaction` with otherwise stock settings, on a free loopback port,
 * in front of the PostgreSQL server `serverUrl` points at: every database name passes through.
 */
export class PgBouncer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
  ) {}

  static async start(serverUrl: string): Promise<PgBouncer> {
    if (!existsSync(PGBOUNCER)) {
      throw new Error(`PgBouncer is not installed (${PGBOUNCER}): apt-get install pgbouncer`);
    }
    const server = new URL(serverUrl);
    const user = decodeURIComponent(server.username || 'postgres');
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'token-warden-pgbouncer-'));
    const owner = runAs();
    writeFileSync(join(dir, 'userlist.txt'), `"${user}" ""\n`);
    writeFileSync(
      join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `* = host=${server.hostname} port=${server.port || 5432}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        `unix_socket_dir = ${dir}`,
        'auth_type = trust',
        `auth_file = ${join(dir, 'userlist.txt')}`,
        'pool_mode = transaction',
        `logfile = ${join(dir, 'pgbouncer.log')}`,
        `pidfile = ${join(dir, 'pgbouncer.pid')}`,
        '',
      ].join('\n'),
    );
    if (owner) {
      for (const file of ['', 'userlist.txt', 'pgbouncer.ini']) chownSync(join(dir, file), owner.uid, owner.gid);
    }
    const child = spawn(PGBOUNCER, [join(dir, 'pgbouncer.ini')], { ...owner, stdio: 'ignore' });
    const bouncer = new PgBouncer(child, dir, port);
    try {
      await waitFor(() => bouncer.answers(serverUrl), 10_000, 'PgBouncer answering', 50);
    } catch (error) {
      const log = bouncer.log();
      await bouncer.stop();
      throw new Error(`PgBouncer did not start: ${String(error)}\n${log}`);
    }
    return bouncer;
  }

  /** `url` with its host and port replaced by this PgBouncer's. */
  route(url: string): string {
    const routed = new URL(url);
    routed.hostname = '127.0.0.1';
    routed.port = String(this.port);
    return routed.toString();
  }

  /** `database` reached through this PgBouncer; with `direct`, LISTEN and migrations bypass it. */
  routeDatabase(database: TestDatabase, options: { direct: boolean } = { direct: false }): TestDatabase {
    const { target } = database;
    if (target.kind !== 'postgres') throw new Error('needs TEST_DATABASE_URL');
    const routed: DatabaseTarget = {
      kind: 'postgres',
      url: this.route(target.url),
      directUrl: options.direct ? target.url : undefined,
    };
    return { ...database, target: routed };
  }

  log(): string {
    const file = join(this.dir, 'pgbouncer.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGINT');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async answers(serverUrl: string): Promise<boolean> {
    if (this.child.exitCode !== null) throw new Error(`exited with ${this.child.exitCode}`);
    const sql = postgres(this.route(serverUrl), {
      max: 1,
      connect_timeout: 1,
      prepare: false,
      onnotice: () => undefined,
    });
    try {
      await sql`select 1`;
      return true;
    } catch {
      return false;
    } finally {
      await sql.end({ timeout: 1 });
    }
  }
}
