import { setTimeout as pause } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { decodeNotice, type RevocationNotice } from '../revocation.notice';
import { appendInOrder } from './ordered-append';
import { PublishQueue } from './publish-queue';
import { RedisStream, withAppendScript, type AppendingRedis } from './redis.stream';
import type { BusMode, BusSubscriber, LogReader, RevocationBus } from './revocation-bus';

export { redisStreamOf } from './redis.stream';

export interface RedisBusOptions {
  /** `REDIS_URL`: `redis://` or `rediss://`. */
  url: string;
  /** Names the stream's key, `<deployment>:revocations`. @default 'token-warden' */
  deployment?: string;
  /** Where a publisher reads the versions the stream lacks. */
  log: LogReader;
  /** Failures that cost latency but no revocation: publishes refused or lost, entries that are not notices. */
  onError: (message: string, error?: unknown) => void;
  /** The stream is trimmed to about this many entries; a follower that was away longer reads the log. @default 100_000 */
  maxLength?: number;
  /** The wait between connection attempts. @default 500 */
  reconnectWaitMs?: number;
}

type XReadReply = Array<[key: string, entries: Array<[id: string, fields: string[]]>]> | null;

const READ_COUNT = 256;
/** A blocked read returns this often with nothing, which is when a half-dead connection would show. */
const BLOCK_MS = 5000;
const START_TIMEOUT_MS = 5000;

/**
 * Revocation versions over a Redis stream kept in version order (`redis.stream.ts`), read with a
 * blocking XREAD; this class owns the two connections and their reconnects.
 */
export class RedisRevocationBus implements RevocationBus {
  readonly name = 'redis';
  private readonly stream: RedisStream;
  private readonly queue: PublishQueue;
  private readonly stopping = new AbortController();
  private writer: AppendingRedis | null = null;
  private reader: Redis | null = null;
  private reading: Promise<void> | null = null;
  private stopped: Promise<void> | null = null;

  constructor(private readonly options: RedisBusOptions) {
    this.stream = new RedisStream(options.deployment ?? 'token-warden', options, () => this.writer);
    this.queue = new PublishQueue({
      connected: () => this.writer?.status === 'ready',
      append: (notice) => appendInOrder(this.stream, options.log, notice, options.onError),
      onError: options.onError,
      limit: 1000,
    });
  }

  mode(): BusMode {
    return 'redis';
  }

  async start(subscriber: BusSubscriber): Promise<void> {
    if (this.reader) throw new Error('the Redis bus is started already');
    const reader = this.connection('revocation reader', (why, error) => subscriber.trouble(why, error));
    this.reader = reader;
    const waited = new AbortController();
    const signal = AbortSignal.any([waited.signal, this.stopping.signal]);
    this.reading = this.read(reader, subscriber);
    const timedOut = pause(START_TIMEOUT_MS, false, { signal }).catch(() => false);
    const started = await Promise.race([untilReady(reader, signal), timedOut]);
    waited.abort();
    if (!started && !this.stopping.signal.aborted) {
      subscriber.trouble(`Redis at ${this.options.url} does not deliver yet; still trying`);
    }
  }

  publish(notices: readonly RevocationNotice[]): void {
    if (this.stopping.signal.aborted) return;
    this.writer ??= this.publisher();
    this.queue.push(notices);
  }

  stop(): Promise<void> {
    this.stopped ??= this.shutDown();
    return this.stopped;
  }

  private async shutDown(): Promise<void> {
    this.stopping.abort();
    const connections = [this.writer, this.reader].filter((connection) => connection !== null);
    // Ends the blocked read at once; quit() would wait behind it.
    for (const connection of connections) connection.disconnect();
    // A connection waiting to reconnect has no socket, and ioredis ends it without an 'end' event.
    const ending = connections.filter((connection) => !['end', 'reconnecting'].includes(connection.status));
    // Not events.once: an error on the way down (a reset socket) would reject it.
    await Promise.all(ending.map((connection) => new Promise((resolve) => connection.once('end', resolve))));
    await this.reading;
    await this.queue.close();
  }

  private publisher(): AppendingRedis {
    const writer = withAppendScript(
      this.connection('revocation publisher', (why, error) => this.options.onError(why, error)),
    );
    writer.on('ready', () => this.queue.drain());
    return writer;
  }

  /**
   * Reads with a blocking XREAD after the last id seen; after a failure, once connected again,
   * from the version the subscriber has applied by then.
   */
  private async read(reader: Redis, subscriber: BusSubscriber): Promise<void> {
    let lastId: string | null = null;
    while (!this.stopping.signal.aborted) {
      if (reader.status !== 'ready') {
        if (!(await untilReady(reader, this.stopping.signal))) return;
        lastId = null;
      }
      lastId ??= `${subscriber.appliedVersion()}-1`;
      try {
        const streams: XReadReply = await reader.xread(
          'COUNT',
          READ_COUNT,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          this.stream.key,
          lastId,
        );
        for (const [, entries] of streams ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            this.receive(id, fields, subscriber);
          }
        }
      } catch (error) {
        if (this.isStopping()) return;
        // A lost connection was reported by the connection itself, and the read resumes on 'ready'.
        if (reader.status === 'ready') {
          subscriber.trouble(`reading Redis stream ${this.stream.key} failed; retrying`, error);
          await pause(this.reconnectWaitMs(), undefined, this.stopping).catch(() => undefined);
        }
        lastId = null;
      }
    }
  }

  private receive(id: string, fields: string[], subscriber: BusSubscriber): void {
    const payload = fields[0] === 'n' ? fields[1] : undefined;
    const notice = payload === undefined ? null : decodeNotice(payload);
    if (!notice) {
      this.options.onError(`skipped entry ${id} of Redis stream ${this.stream.key}: not a revocation notice`);
      return;
    }
    subscriber.deliver(notice);
  }

  /**
   * A connection that reconnects by itself without limit, and meanwhile fails commands at once
   * instead of queueing them: the log, not Redis, holds what an outage would have queued.
   */
  private connection(role: string, lost: (why: string, error?: unknown) => void): Redis {
    const connection = new Redis(this.options.url, {
      connectionName: `token-warden ${role}`,
      enableOfflineQueue: false,
      // Also fails a command in flight when the connection drops, instead of sending it again later.
      maxRetriesPerRequest: 0,
      retryStrategy: () => this.reconnectWaitMs(),
      connectTimeout: 2000,
      // ioredis arms this timer on disconnect() even when the socket is long gone (while reconnecting),
      // and it holds the process open that long.
      disconnectTimeout: 200,
    });
    let up = true;
    connection.on('ready', () => (up = true));
    // Without a listener ioredis prints every failed attempt; one report an outage is enough.
    connection.on('error', (error: unknown) => {
      if (!up || this.stopping.signal.aborted) return;
      up = false;
      lost(`lost the connection to Redis at ${this.options.url} (${role})`, error);
    });
    connection.on('close', () => {
      if (!up || this.stopping.signal.aborted) return;
      up = false;
      lost(`lost the connection to Redis at ${this.options.url} (${role})`);
    });
    return connection;
  }

  /** A method, not the field: the compiler would take the field as still false after an await. */
  private isStopping(): boolean {
    return this.stopping.signal.aborted;
  }

  private reconnectWaitMs(): number {
    return this.options.reconnectWaitMs ?? 500;
  }
}

/** Whether `connection` is ready, waiting for it unless `signal` ends the wait first; errors meanwhile are retries. */
function untilReady(connection: Redis, signal: AbortSignal): Promise<boolean> {
  if (connection.status === 'ready') return Promise.resolve(true);
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const ready = () => {
      signal.removeEventListener('abort', aborted);
      resolve(true);
    };
    const aborted = () => {
      connection.off('ready', ready);
      resolve(false);
    };
    connection.once('ready', ready);
    signal.addEventListener('abort', aborted, { once: true });
  });
}
