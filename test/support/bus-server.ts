import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { waitFor } from './wait';

const NATS_SERVER = '/usr/sbin/nats-server';
const REDIS_SERVER = '/usr/bin/redis-server';

/**
 * A NATS (JetStream) or Redis server of the test's own, on a free loopback port, keeping its data
 * in a fresh folder across `stop()` and `start()`, so that a test can take the bus away mid-test.
 */
export class BusServer {
  private child: ChildProcess | null = null;

  private constructor(
    private readonly binary: string,
    private readonly args: string[],
    readonly url: string,
    private readonly port: number,
    private readonly dir: string,
  ) {}

  /** `nats-server -js`, storing its streams on disk. */
  static async nats(): Promise<BusServer> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'token-warden-nats-'));
    const args = ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir];
    return BusServer.launch(NATS_SERVER, args, `nats://127.0.0.1:${port}`, port, dir);
  }

  /** `redis-server` with an append-only file written on every command, so a restart keeps the stream. */
  static async redis(): Promise<BusServer> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'token-warden-redis-'));
    const args = [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
      ...['--appendonly', 'yes', '--appendfsync', 'always'],
    ];
    return BusServer.launch(REDIS_SERVER, args, `redis://127.0.0.1:${port}`, port, dir);
  }

  private static async launch(
    binary: string,
    args: string[],
    url: string,
    port: number,
    dir: string,
  ): Promise<BusServer> {
    if (!existsSync(binary)) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${binary} is not installed: apt-get install nats-server redis-server`);
    }
    const server = new BusServer(binary, args, url, port, dir);
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(this.binary, this.args, { stdio: 'ignore' });
    this.child = child;
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${this.binary} exited with ${child.exitCode}`);
        return this.answers();
      },
      10_000,
      `${this.binary} listening on ${this.port}`,
      20,
    );
  }

  /** Stops the server as its operator would (SIGTERM), keeping its data for `start()`. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private answers(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect(this.port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  }
}
