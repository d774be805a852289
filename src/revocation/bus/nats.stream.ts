import {
  DiscardPolicy,
  JetStreamApiError,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { decodeNotice, encodeNotice, type RevocationNotice } from '../revocation.notice';
import type { OrderedStream, StreamEnd } from './ordered-append';

/** The stream and subject a deployment's instances share. */
export function natsStreamOf(deployment: string): { stream: string; subject: string } {
  // NATS refuses dots, wildcards and spaces in stream names, and they would split the subject.
  if (!/^[A-Za-z0-9_-]+$/.test(deployment)) throw new Error(`deployment name "${deployment}" is not [A-Za-z0-9_-]+`);
  return { stream: `revocations-${deployment}`, subject: `${deployment}.revocations` };
}

/** How much the stream keeps, when this instance is the one that creates it. */
export interface NatsStreamLimits {
  /** @default 3_600_000 */
  maxAgeMs?: number;
  /** @default 100_000 */
  maxMessages?: number;
}

/** NATS 2.9 error codes for a failed publish expectation. */
const WRONG_LAST_MSG_ID = 10070;
const WRONG_LAST_SEQUENCE = 10071;
/** Messages looked at from the end of the stream to find the last one that is a notice. */
const TAIL_SCAN = 16;
const PUBLISH_TIMEOUT_MS = 2000;

/**
 * A deployment's JetStream stream kept in version order: each version's message ID is the version,
 * and it is appended only after the version before it.
 */
export class NatsStream implements OrderedStream {
  readonly name: string;
  readonly subject: string;
  private manager: Promise<JetStreamManager> | null = null;

  /** `connection` answers the connection while it is up, and null while it is not. */
  constructor(
    deployment: string,
    private readonly limits: NatsStreamLimits,
    private readonly connection: () => NatsConnection | null,
  ) {
    ({ stream: this.name, subject: this.subject } = natsStreamOf(deployment));
  }

  /** The JetStream manager on the current connection, with the stream created if it was missing. */
  jetStream(): Promise<JetStreamManager> {
    const nc = this.connection();
    if (!nc) return Promise.reject(new Error('not connected to NATS'));
    if (!this.manager) {
      const manager = this.create(nc);
      manager.catch(() => {
        if (this.manager === manager) this.manager = null;
      });
      this.manager = manager;
    }
    return this.manager;
  }

  /** The connection went away: the manager belongs to it, and the stream may be gone with its server. */
  forget(): void {
    this.manager = null;
  }

  /** One version after the one before it, or, filling a gap, several after the stream's end as it was seen. */
  async append(notices: readonly RevocationNotice[], after?: StreamEnd): Promise<'appended' | StreamEnd> {
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

  /** The stream sequence of the version after `applied`, reckoned from its end: the stream holds consecutive versions. */
  async startSequence(manager: JetStreamManager, applied: number): Promise<number> {
    const { state } = await manager.streams.info(this.name);
    if (state.messages === 0) return state.last_seq + 1;
    const tail = await this.lastNotice(manager, state.first_seq, state.last_seq);
    if (!tail) return state.first_seq;
    if (tail.version <= applied) return tail.seq + 1;
    const guess = tail.seq - (tail.version - applied) + 1;
    if (guess <= state.first_seq) return state.first_seq;
    // A gap or a foreign message breaks the arithmetic: then replay all the stream has, and the follower skips what it has.
    return (await this.versionAt(manager, guess - 1)) === applied ? guess : state.first_seq;
  }

  /** The stream's end: the version of its last message that is a notice, and the sequence to append after. */
  private async end(manager: JetStreamManager): Promise<StreamEnd> {
    const { state } = await manager.streams.info(this.name);
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
    const message = await manager.streams.getMessage(this.name, { seq });
    return message ? (decodeNotice(message.string())?.version ?? null) : null;
  }

  /** A failure may mean the stream is gone (a server restarted without its store): look for it again next time. */
  private failed(error: unknown): unknown {
    this.manager = null;
    return error;
  }

  private async create(nc: NatsConnection): Promise<JetStreamManager> {
    const manager = await jetstreamManager(nc, { timeout: PUBLISH_TIMEOUT_MS });
    const maxAgeMs = this.limits.maxAgeMs ?? 3_600_000;
    // Created if missing; a stream someone configured differently is left as it is.
    const found = await manager.streams.info(this.name).catch(() => null);
    if (!found) {
      await manager.streams.add({
        name: this.name,
        subjects: [this.subject],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        discard: DiscardPolicy.Old,
        max_age: nanos(maxAgeMs),
        max_msgs: this.limits.maxMessages ?? 100_000,
        // A repeat within this window is answered as a duplicate before the order is checked.
        duplicate_window: nanos(Math.min(120_000, maxAgeMs)),
      });
    }
    return manager;
  }
}
