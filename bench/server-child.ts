import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { BenchCommand, ServerMessage } from './ipc';

type Stats = Extract<ServerMessage, { type: 'stats' }>;
type Ready = Extract<ServerMessage, { type: 'ready' }>;
type Status = Extract<ServerMessage, { type: 'status' }>['status'];

/** A server started by the bench in a process of its own, so that it never shares a core's event loop with the load. */
export class ServerChild {
  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly ready: Ready,
  ) {}

  /** Where its HTTP endpoints are: the issuer URL a verifier discovers the service from. */
  get origin(): string {
    return `http://127.0.0.1:${this.ready.port}`;
  }

  get url(): string {
    return `http://127.0.0.1:${this.ready.port}/graphql`;
  }

  /** `script` is the process to run: the service by default, or the bare framework it is compared with. */
  static start(
    name: string,
    env: Record<string, string>,
    script = 'server-process.js',
    args: string[] = [],
  ): Promise<ServerChild> {
    const child = fork(join(__dirname, script), args, {
      // Logs as in production: one JSON line per request (to /dev/null), not the development pretty-printer.
      env: { PATH: process.env.PATH ?? '', LOG_FORMAT: 'json', ...env },
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`server ${name} exited with ${code} before it was ready`));
      child.once('exit', onExit);
      child.once('message', (message: ServerMessage) => {
        child.off('exit', onExit);
        if (message.type === 'ready') resolve(new ServerChild(name, child, message));
        else
          reject(
            new Error(`server ${name} failed to start: ${message.type === 'failed' ? message.message : message.type}`),
          );
      });
    });
  }

  private command(command: BenchCommand): void {
    this.child.send(command);
  }

  stats(): Promise<Stats> {
    return new Promise((resolve) => {
      this.child.once('message', (message: ServerMessage) => {
        if (message.type === 'stats') resolve(message);
      });
      this.command({ type: 'stats' });
    });
  }

  /** Its revocation check's status: the bus it follows and the mode it is in. */
  status(): Promise<Status> {
    return new Promise((resolve) => {
      this.child.once('message', (message: ServerMessage) => {
        if (message.type === 'status') resolve(message.status);
      });
      this.command({ type: 'status' });
    });
  }

  /** Stops its audit sealer, or starts it again. */
  setAuditSealing(on: boolean): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('message', (message: ServerMessage) => {
        if (message.type === 'audit-sealing') resolve();
      });
      this.command({ type: 'audit-sealing', on });
    });
  }

  /** The server's heap after a full collection. */
  heapUsedBytes(): Promise<number> {
    return new Promise((resolve) => {
      this.child.once('message', (message: ServerMessage) => {
        if (message.type === 'heap') resolve(message.heapUsedBytes);
      });
      this.command({ type: 'heap' });
    });
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.command({ type: 'stop' });
    });
  }
}
