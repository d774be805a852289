import { setTimeout as pause } from 'node:timers/promises';
import { DeliverPolicy, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { decodeNotice } from '../revocation.notice';
import type { NatsStream } from './nats.stream';
import type { BusSubscriber } from './revocation-bus';

export interface NatsConsumerOptions {
  stream: NatsStream;
  /** Whether the connection is up; a reconnect follows again by itself. */
  connected(): boolean;
  /** Each time a consumer is in place and delivering. */
  flowing(): void;
  /** Messages on the stream that are not notices. */
  onError: (message: string, error?: unknown) => void;
  stopping: AbortSignal;
  /** The wait before consuming again after a failure. */
  retryWaitMs: number;
}

/**
 * Follows the stream with an ordered consumer from the first version the subscriber has not applied;
 * after a reconnect, again from what it has applied by then.
 */
export class NatsConsumer {
  /** Each follow takes a turn; an older one that is still setting up gives way to the newest. */
  private turn = 0;
  private messages: ConsumerMessages | null = null;

  constructor(private readonly options: NatsConsumerOptions) {}

  async follow(subscriber: BusSubscriber): Promise<void> {
    const turn = ++this.turn;
    const current = () => turn === this.turn;
    await this.messages?.close();
    while (current()) {
      try {
        const manager = await this.options.stream.jetStream();
        const startSeq = await this.options.stream.startSequence(manager, subscriber.appliedVersion());
        const consumer = await manager.jetstream().consumers.get(this.options.stream.name, {
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
        this.options.flowing();
        void this.watch(messages, subscriber);
        for await (const message of messages) {
          if (!current()) break;
          this.receive(message, subscriber);
        }
        return;
      } catch (error) {
        if (!current()) return;
        // While disconnected the disconnect was reported already, and the reconnect follows again.
        if (!this.options.connected()) return;
        subscriber.trouble('cannot consume the NATS revocation stream; retrying', error);
        await pause(this.options.retryWaitMs, undefined, { signal: this.options.stopping }).catch(() => undefined);
      }
    }
  }

  /** Ends the consumer, and gets any follow still setting up to give way. */
  async halt(): Promise<void> {
    this.turn++;
    await this.messages?.close();
  }

  private receive(message: JsMsg, subscriber: BusSubscriber): void {
    const notice = decodeNotice(message.string());
    if (!notice) {
      this.options.onError(
        `skipped message ${message.seq} of NATS stream ${this.options.stream.name}: not a revocation notice`,
      );
      return;
    }
    subscriber.deliver(notice);
  }

  private async watch(messages: ConsumerMessages, subscriber: BusSubscriber): Promise<void> {
    for await (const status of messages.status()) {
      if (status.type === 'heartbeats_missed' && status.count === 2) {
        subscriber.trouble('the NATS consumer missed two heartbeats');
      } else if (status.type === 'stream_not_found' || status.type === 'consumer_deleted') {
        subscriber.trouble(`the NATS consumer stopped: ${status.type}`);
      }
    }
  }
}
