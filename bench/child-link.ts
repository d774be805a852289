import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

type Typed = { type: string };

/**
 * A bench child process spoken to over IPC: commands out, typed messages back. Each `next(type)`
 * takes the first message of that type not yet taken, so a message that arrives before it is
 * asked for is kept; a `failed` message, or the child's exit, fails every wait.
 */
export class ChildLink<Command extends Typed, Message extends Typed> {
  private readonly queued: Message[] = [];
  private readonly waiting: { type: string; resolve: (message: Message) => void; reject: (error: Error) => void }[] =
    [];
  private failure: Error | null = null;
  private readonly child: ChildProcess;

  constructor(
    readonly name: string,
    script: string,
    execArgv: string[] = [],
  ) {
    this.child = fork(join(__dirname, script), [], {
      env: { PATH: process.env.PATH ?? '' },
      execArgv,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: Message) => this.receive(message));
    this.child.once('exit', (code) => this.fail(new Error(`${name} exited with ${code}`)));
  }

  private receive(message: Message): void {
    if (message.type === 'failed') {
      this.fail(new Error(`${this.name}: ${(message as Typed & { message?: string }).message ?? 'failed'}`));
      return;
    }
    const index = this.waiting.findIndex((waiter) => waiter.type === message.type);
    const [waiter] = index === -1 ? [] : this.waiting.splice(index, 1);
    if (waiter) waiter.resolve(message);
    else this.queued.push(message);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
  }

  send(command: Command): void {
    if (this.child.connected) this.child.send(command);
  }

  next<T extends Message['type']>(type: T): Promise<Extract<Message, { type: T }>> {
    const index = this.queued.findIndex((message) => message.type === type);
    if (index !== -1) {
      const [message] = this.queued.splice(index, 1);
      return Promise.resolve(message as Extract<Message, { type: T }>);
    }
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ type, resolve: resolve as (message: Message) => void, reject });
    });
  }

  async request<T extends Message['type']>(command: Command, reply: T): Promise<Extract<Message, { type: T }>> {
    const answer = this.next(reply);
    this.send(command);
    return answer;
  }

  /** Sends `command` (the child's own way to stop), and kills it if it has not exited within 10 s. */
  stop(command: Command): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      if (this.child.connected) this.child.send(command);
      else this.child.kill('SIGKILL');
    });
  }
}
