import { setTimeout as pause } from 'node:timers/promises';
import {
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { decodeNotice, encodeNotice, type RevocationNotice } from '../revocation.notice';
import { appendInOrder, type OrderedStream, type StreamEnd } from './ordered-append';
import { PublishQueue } from './publish-queue';
import type { BusMode, BusSubscriber, LogReader, RevocationBus } from './revocation-bus';

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

/** The stream and subject a deployment's instances share. */
export function natsStreamOf(deployment: string): { stream: string; subject: string } {
  // NATS refuses dots, wildcards and spaces in stream names, and they would split the subject.
  if (!/^[A-Za-z0-9_-]+$/.test(deployment)) throw new Error(`deployment name "${deployment}" is not [A-Za-z0-9_-]+`);
  return { stream: `revocations-${deployment}`, subject: `${deployment}.revocations` };
}

/** NATS 2.9 error codes for a failed publish expectation. */
const WRONG_LAST_MSG_ID = 10070;
const WRONG_LAST_SEQUENCE = 10071;
/** Messages looked at from the end of the stream to find the last one that is a notice. */
const TAIL_SCAN = 16;
const PUBLISH_TIMEOUT_MS = 2000;
/** A dead connection is noticed after two unanswered pings; the default would take four minutes. */
const PING_INTERVAL_MS = 5000;
const CONNECT_TIMEOUT_MS = 2000;
const START_TIMEOUT_MS = 5000;

/**
 * Revocation versions over a NATS JetStream stream kept in version order: each version's message
 * ID is the version, and it is appended only after the version before it.
 */
export class NatsRevocationBus implements RevocationBus {
  readonly name = 'nats';
  private readonly stream: string;
  private readonly subject: string;
  private readonly queue: PublishQueue;
  private readonly stopping = new AbortController();
  private connection: Promise<NatsConnection | null> | null = null;
  private nc: NatsConnection | null = null;
  private connected = false;
  private manager: Promise<JetStreamManager> | null = null;
  private subscriber: BusSubscriber | null = null;
  private messages: ConsumerMessages | null = null;
  /** Each follow takes a turn; an older one that is still setting up gives way to the newest. */
  private followTurn = 0;
  private followed: (() => void) | null = null;
  private stopped: Promise<void> | null = null;

  constructor(private readonly options: NatsBusOptions) {
    ({ stream: this.stream, subject: this.subject } = natsStreamOf(options.deployment ?? 'token-warden'));
    const stream: OrderedStream = { append: (notices, after) => this.append(notices, after) };
    this.queue = new PublishQueue({
      connected: () => this.connected,
      append: (notice) => appendInOrder(stream, options.log, notice, options.onError),
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
    if (this.connected) void this.follow();
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
    this.followTurn++;
    await this.messages?.close();
    await this.nc?.close();
    await this.connection;
    await this.queue.close();
  }

  /** One version after the one before it, or, filling a gap, several after the stream's end as it was seen. */
  private async append(notices: readonly RevocationNotice[], after?: StreamEnd): Promise<'appended' | StreamEnd> {
    const manager = await this.jetStream();
    const js = manager.jetstream();
    if (after === undefined) {
      const [notice] = notices;
      if (notices.length !== 1 || notice === undefined) throw new Error('append one notice at a time');
      try {
        // The server refuses the version unless the stream's last message is the one before it;
        // a version it already holds comes back as a duplicate.
        await js.publish(this.subject, encodeNotice(notice), {
          msgID: String(notice.version),
          expect: { lastMsgID: String(notice.version - 1) },
          timeout: PUBLISH_TIMEOUT_MS,
        });
        return 'appended';
      } catch (error) {
        if (error instanceof JetStreamApiError && error.code === WRONG_LAST_MSG_ID) return await this.end(manager);
        throw this.failed(error);
      }
    }
    // Each append names the sequence it follows: the last message ID is forgotten by a restarted
    // server and by any message published without one.
    let position = after.position;
    for (const notice of notices) {
      try {
        const ack = await js.publish(this.subject, encodeNotice(notice), {
          msgID: String(notice.version),
          expect: { lastSequence: position },
          timeout: PUBLISH_TIMEOUT_MS,
        });
        if (ack.duplicate) return await this.end(manager);
        position = ack.seq;
      } catch (error) {
        if (error instanceof JetStreamApiError && error.code === WRONG_LAST_SEQUENCE) return await this.end(manager);
        throw this.failed(error);
      }
    }
    return 'appended';
  }

  /** The stream's end: the version of its last message that is a notice, and the sequence to append after. */
  private async end(manager: JetStreamManager): Promise<StreamEnd> {
    const { state } = await manager.streams.info(this.stream);
    if (state.messages === 0) return { version: null, position: state.last_seq };
    const tail = await this.lastNotice(manager, state.first_seq, state.last_seq);
    return { version: tail?.version ?? null, position: state.last_seq };
  }

  private async lastNotice(
    manager: JetStreamManager,
    firstSeq: number,
    lastSeq: number,
  ): Promise<{ seq: number; version: number } | null> {
    for (let seq = lastSeq; seq >= Math.max(firstSeq, lastSeq - TAIL_SCAN); seq--) {
      const version = await this.versionAt(manager, seq);
      if (version !== null) return { seq, version };
    }
    return null;
  }

  private async versionAt(manager: JetStreamManager, seq: number): Promise<number | null> {
    const message = await manager.streams.getMessage(this.stream, { seq });
    return message ? (decodeNotice(message.string())?.version ?? null) : null;
  }

  /** A failure may mean the stream is gone (a server restarted without its store): look for it again next time. */
  private failed(error: unknown): unknown {
    this.manager = null;
    return error;
  }

  /** Connects, retrying until stopped; from then on the client reconnects by itself. */
  private connect(): Promise<NatsConnection | null> {
    this.connection ??= (async () => {
      for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
        try {
          const nc = await connect({
            servers: this.options.url.split(','),
            name: `token-warden ${this.stream}`,
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
        this.manager = null;
        // The reconnect consumes anew from what the subscriber has applied by then; the old
        // consumer would resume where it was and deliver again what the follower read meanwhile.
        this.followTurn++;
        void this.messages?.close();
        this.lost(`lost the connection to NATS at ${status.server}`);
      } else if (status.type === 'reconnect') {
        this.onConnected();
      }
    }
  }

  private onConnected(): void {
    this.connected = true;
    this.queue.drain();
    if (this.subscriber) void this.follow();
  }

  private lost(why: string, error?: unknown): void {
    if (this.subscriber) this.subscriber.trouble(why, error);
    else this.options.onError(why, error);
  }

  /** The JetStream manager on the current connection, with the stream created if it was missing. */
  private jetStream(): Promise<JetStreamManager> {
    const nc = this.nc;
    if (!nc || !this.connected) return Promise.reject(new Error('not connected to NATS'));
    if (!this.manager) {
      const manager = this.createStream(nc);
      manager.catch(() => {
        if (this.manager === manager) this.manager = null;
      });
      this.manager = manager;
    }
    return this.manager;
  }

  private async createStream(nc: NatsConnection): Promise<JetStreamManager> {
    const manager = await jetstreamManager(nc, { timeout: PUBLISH_TIMEOUT_MS });
    const maxAgeMs = this.options.maxAgeMs ?? 3_600_000;
    // Created if missing; a stream someone configured differently is left as it is.
    const found = await manager.streams.info(this.stream).catch(() => null);
    if (!found) {
      await manager.streams.add({
        name: this.stream,
        subjects: [this.subject],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        discard: DiscardPolicy.Old,
        max_age: nanos(maxAgeMs),
        max_msgs: this.options.maxMessages ?? 100_000,
        // A repeat within this window is answered as a duplicate before the order is checked.
        duplicate_window: nanos(Math.min(120_000, maxAgeMs)),
      });
    }
    return manager;
  }

  /**
   * Consumes with an ordered consumer from the first version the subscriber has not applied;
   * after a reconnect, again from what it has applied by then.
   */
  private async follow(): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber) return;
    const turn = ++this.followTurn;
    const current = () => turn === this.followTurn;
    await this.messages?.close();
    while (current()) {
      try {
        const manager = await this.jetStream();
        const startSeq = await this.startSequence(manager, subscriber.appliedVersion());
        const consumer = await manager.jetstream().consumers.get(this.stream, {
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: startSeq,
          // An instance that vanishes leaves its consumer on the server this long.
          inactive_threshold: 60_000,
        });
        const messages = await consumer.consume({ max_messages: 256 });
        if (!current()) {
          await messages.close();
          return;
        }
        this.messages = messages;
        this.followed?.();
        void this.watchConsumer(messages, subscriber);
        for await (const message of messages) {
          if (!current()) break;
          this.receive(message, subscriber);
        }
        return;
      } catch (error) {
        if (!current()) return;
        // While disconnected the disconnect was reported already, and the reconnect follows again.
        if (!this.connected) return;
        subscriber.trouble('cannot consume the NATS revocation stream; retrying', error);
        await pause(this.reconnectWaitMs(), undefined, this.stopping).catch(() => undefined);
      }
    }
  }

  /** The stream sequence of the version after `applied`, reckoned from its end: the stream holds consecutive versions. */
  private async startSequence(manager: JetStreamManager, applied: number): Promise<number> {
    const { state } = await manager.streams.info(this.stream);
    if (state.messages === 0) return state.last_seq + 1;
    const tail = await this.lastNotice(manager, state.first_seq, state.last_seq);
    if (!tail) return state.first_seq;
    if (tail.version <= applied) return tail.seq + 1;
    const guess = tail.seq - (tail.version - applied) + 1;
    if (guess <= state.first_seq) return state.first_seq;
    // A gap or a foreign message breaks the arithmetic: then replay all the stream has, and the follower skips what it has.
    return (await this.versionAt(manager, guess - 1)) === applied ? guess : state.first_seq;
  }

  private receive(message: JsMsg, subscriber: BusSubscriber): void {
    const notice = decodeNotice(message.string());
    if (!notice) {
      this.options.onError(`skipped message ${message.seq} of NATS stream ${this.stream}: not a revocation notice`);
      return;
    }
    subscriber.deliver(notice);
  }

  private async watchConsumer(messages: ConsumerMessages, subscriber: BusSubscriber): Promise<void> {
    for await (const status of messages.status()) {
      if (status.type === 'heartbeats_missed' && status.count === 2) {
        subscriber.trouble('the NATS consumer missed two heartbeats');
      } else if (status.type === 'stream_not_found' || status.type === 'consumer_deleted') {
        subscriber.trouble(`the NATS consumer stopped: ${status.type}`);
      }
    }
  }

  /** A method, not the field: the compiler would take the field as still false after an await. */
  private isStopping(): boolean {
    return this.stopping.signal.aborted;
  }

  private reconnectWaitMs(): number {
    return this.options.reconnectWaitMs ?? 500;
  }
}
