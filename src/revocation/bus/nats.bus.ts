import { setTimeout as pause } from 'node:timers/promises';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { RevocationNotice } from '../revocation.notice';
import { NatsConsumer } from './nats.consumer';
import { NatsStream } from './nats.stream';
import { appendInOrder } from './ordered-append';
import { PublishQueue } from './publish-queue';
import type { BusMode, BusSubscriber, LogReader, RevocationBus } from './revocation-bus';

export { natsStreamOf } from './nats.stream';

export interface NatsBusOptions {
  /** `NATS_URL`: a server, or several separated by commas. */
  url: string;
  /** Names the stream (`revocations-<deployment>`) and its one subject (`<deployment>.revocations`). @default 'token-warden' */
  deployment?: string;
  /** Where a publisher reads the versions the stream lacks. */
  log: LogReader;
  /** Failures that cost latency but no revocation: publishes refused or lost, messages that are not notices. */
  onError: (message: string, error?: unknown) => void;
  /** The stream keeps messages this long; a follower that was away longer reads the log. @default 3_600_000 */
  maxAgeMs?: number;
  /** And at most this many messages. @default 100_000 */
  maxMessages?: number;
  /** The wait between connection attempts. @default 500 */
  reconnectWaitMs?: number;
}

/** A dead connection is noticed after two unanswered pings; the default would take four minutes. */
const PING_INTERVAL_MS = 5000;
const CONNECT_TIMEOUT_MS = 2000;
const START_TIMEOUT_MS = 5000;

/**
 * Revocation versions over a NATS JetStream stream kept in version order (`nats.stream.ts`), followed
 * by an ordered consumer (`nats.consumer.ts`); this class owns the connection and its reconnects.
 */
export class NatsRevocationBus implements RevocationBus {
  readonly name = 'nats';
  private readonly stream: NatsStream;
  private readonly consumer: NatsConsumer;
  private readonly queue: PublishQueue;
  private readonly stopping = new AbortController();
  private connection: Promise<NatsConnection | null> | null = null;
  private nc: NatsConnection | null = null;
  private connected = false;
  private subscriber: BusSubscriber | null = null;
  private followed: (() => void) | null = null;
  private stopped: Promise<void> | null = null;

  constructor(private readonly options: NatsBusOptions) {
    this.stream = new NatsStream(options.deployment ?? 'token-warden', options, () =>
      this.connected ? this.nc : null,
    );
    this.consumer = new NatsConsumer({
      stream: this.stream,
      connected: () => this.connected,
      flowing: () => this.followed?.(),
      onError: options.onError,
      stopping: this.stopping.signal,
      retryWaitMs: this.reconnectWaitMs(),
    });
    this.queue = new PublishQueue({
      connected: () => this.connected,
      append: (notice) => appendInOrder(this.stream, options.log, notice, options.onError),
      onError: options.onError,
      limit: 1000,
    });
  }

  mode(): BusMode {
    return 'nats';
  }

  async start(subscriber: BusSubscriber): Promise<void> {
    this.subscriber = subscriber;
    const flowing = new Promise<boolean>((resolve) => (this.followed = () => resolve(true)));
    if (this.connected) void this.consumer.follow(subscriber);
    else void this.connect();
    const waited = new AbortController();
    const signal = AbortSignal.any([waited.signal, this.stopping.signal]);
    const timedOut = pause(START_TIMEOUT_MS, false, { signal }).catch(() => false);
    const started = await Promise.race([flowing, timedOut]);
    waited.abort();
    if (!started && !this.isStopping()) {
      subscriber.trouble(`NATS at ${this.options.url} does not deliver yet; still trying`);
    }
  }

  publish(notices: readonly RevocationNotice[]): void {
    this.queue.push(notices);
    void this.connect();
  }

  stop(): Promise<void> {
    this.stopped ??= this.shutDown();
    return this.stopped;
  }

  private async shutDown(): Promise<void> {
    this.stopping.abort();
    this.connected = false;
    await this.consumer.halt();
    await this.nc?.close();
    await this.connection;
    await this.queue.close();
  }

  /** Connects, retrying until stopped; from then on the client reconnects by itself. */
  private connect(): Promise<NatsConnection | null> {
    this.connection ??= (async () => {
      for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
        try {
          const nc = await connect({
            servers: this.options.url.split(','),
            name: `token-warden ${this.stream.name}`,
            maxReconnectAttempts: -1,
            reconnectTimeWait: this.reconnectWaitMs(),
            pingInterval: PING_INTERVAL_MS,
            timeout: CONNECT_TIMEOUT_MS,
          });
          if (this.isStopping()) {
            await nc.close();
            return null;
          }
          this.nc = nc;
          void this.watch(nc);
          this.onConnected();
          return nc;
        } catch (error) {
          if (attempt === 0) this.lost(`cannot connect to NATS at ${this.options.url}`, error);
          await pause(this.reconnectWaitMs(), undefined, this.stopping).catch(() => undefined);
        }
      }
      return null;
    })();
    return this.connection;
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (this.stopping.signal.aborted) return;
      if (status.type === 'disconnect') {
        this.connected = false;
        this.stream.forget();
        // The reconnect consumes anew from what the subscriber has applied by then; the old
        // consumer would resume where it was and deliver again what the follower read meanwhile.
        void this.consumer.halt();
        this.lost(`lost the connection to NATS at ${status.server}`);
      } else if (status.type === 'reconnect') {
        this.onConnected();
      }
    }
  }

  private onConnected(): void {
    this.connected = true;
    this.queue.drain();
    if (this.subscriber) void this.consumer.follow(this.subscriber);
  }

  private lost(why: string, error?: unknown): void {
    if (this.subscriber) this.subscriber.trouble(why, error);
    else this.options.onError(why, error);
  }

  /** A method, not the field: the compiler would take the field as still false after an await. */
  private isStopping(): boolean {
    return this.stopping.signal.aborted;
  }

  private reconnectWaitMs(): number {
    return this.options.reconnectWaitMs ?? 500;
  }
}
