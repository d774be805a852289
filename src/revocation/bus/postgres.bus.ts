import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../../db/database';
import { sleep } from '../../timeout';
import { readLogHead } from '../revocation-log.store';
import { decodeNotice, encodeNotice, REVOCATION_CHANNEL, type RevocationNotice } from '../revocation.notice';
import type { BusMode, BusSubscriber, RevocationBus } from './revocation-bus';

export interface PostgresBusOptions {
  /** How long a probe notification may take to come back before the instance polls instead. */
  probeTimeoutMs: number;
  onError(message: string, error: unknown): void;
  onWarning(message: string): void;
}

const PROBE_PREFIX = 'probe:';
const RELISTEN_FIRST_MS = 250;
const RELISTEN_MAX_MS = 5000;
/** Head reads in a row that found every earlier version notified before the instance trusts notifications again. */
const TRUSTED_AFTER = 5;
/** A notification takes well under this from the sequencer's commit to a listener on the same server. */
const NOTIFY_GRACE_MS = 250;

/**
 * LISTEN/NOTIFY as a wake-up: notifications carry the versions the sequencer numbered, and are sent
 * after its commit, so a full notification queue delays them but never fails a revocation. Whether
 * they arrive is checked, not assumed: a probe before the instance reports ready, then every head
 * read (a version the previous read saw must have been notified since). Through a transaction
 * pooler, on a replica or with a stuck listener they do not, and the instance polls the log.
 */
export class PostgresRevocationBus implements RevocationBus {
  readonly name = 'postgres';
  private subscriber: BusSubscriber | null = null;
  private stopListening: (() => Promise<void>) | undefined;
  private delivering = false;
  private stopped = false;
  private warned = false;
  private newestNotified = 0;
  /** The head a read found, and when: its notification is due NOTIFY_GRACE_MS later. */
  private previousHead: { head: number; at: number } | null = null;
  private trustedReads = 0;
  private readonly probeId = randomUUID();
  private probeArrived: (() => void) | null = null;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly options: PostgresBusOptions,
  ) {}

  mode(): BusMode {
    return this.delivering ? 'notify' : 'poll';
  }

  async start(subscriber: BusSubscriber): Promise<void> {
    this.subscriber = subscriber;
    await this.listenAndProbe();
  }

  async publish(notices: readonly RevocationNotice[]): Promise<void> {
    if (notices.length === 0) return;
    try {
      await this.notify(notices.map(encodeNotice));
    } catch (error) {
      this.options.onError('revocation notifications could not be sent; instances read the log instead', error);
    }
  }

  headRead(head: number): void {
    const now = performance.now();
    const previous = this.previousHead;
    if (previous === null || now - previous.at < NOTIFY_GRACE_MS) {
      this.previousHead ??= { head, at: now };
      return;
    }
    this.previousHead = { head, at: now };
    if (!this.stopListening) return;
    // Versions up to `previous.head` were numbered at least NOTIFY_GRACE_MS ago: their notifications are due.
    const notified = this.newestNotified >= previous.head;
    if (this.delivering && !notified) {
      this.delivering = false;
      this.trustedReads = 0;
      this.warnOnce('revocation notifications stopped arriving; reading the revocation log every REVOCATION_POLL_MS');
      this.subscriber?.trouble('notifications stopped arriving');
    } else if (!this.delivering && notified && head > previous.head) {
      this.trustedReads += 1;
      if (this.trustedReads >= TRUSTED_AFTER) this.delivering = true;
    } else if (!notified) {
      this.trustedReads = 0;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.delivering = false;
    await this.dropListener();
  }

  private async notify(payloads: string[]): Promise<void> {
    const rows = sql.join(
      payloads.map((payload) => sql`(${payload})`),
      sql`, `,
    );
    await this.database.db.execute(
      sql`select pg_notify(${REVOCATION_CHANNEL}, payload) from (values ${rows}) as sent(payload)`,
    );
  }

  private onNotify(payload: string): void {
    if (payload.startsWith(PROBE_PREFIX)) {
      if (payload === PROBE_PREFIX + this.probeId) this.probeArrived?.();
      return;
    }
    const notice = decodeNotice(payload);
    if (!notice) {
      this.options.onError('ignored a revocation notice it cannot read', payload.slice(0, 200));
      return;
    }
    this.newestNotified = Math.max(this.newestNotified, notice.version);
    this.subscriber?.deliver(notice);
  }

  private async listenAndProbe(): Promise<void> {
    try {
      this.stopListening ??= await this.database.listen(REVOCATION_CHANNEL, {
        onNotify: (payload) => this.onNotify(payload),
        onClose: () => this.onListenerLost(),
      });
      this.delivering = await this.probe();
      // Versions numbered before the listener was up were never going to be notified to it.
      this.newestNotified = Math.max(this.newestNotified, await readLogHead(this.database.db));
    } catch (error) {
      this.options.onError('could not listen for revocation notifications; reading the revocation log instead', error);
      await this.dropListener();
      this.delivering = false;
    }
    if (!this.delivering) {
      this.warnOnce(
        'revocation notifications do not arrive (a transaction pooler or a replica?); reading the revocation log every REVOCATION_POLL_MS. Set DATABASE_DIRECT_URL to listen on a direct connection.',
      );
    }
    this.previousHead = null;
  }

  /** Sends a notification through the pool and waits for it on the listener. */
  private async probe(): Promise<boolean> {
    const arrived = new Promise<boolean>((resolve) => {
      this.probeArrived = () => resolve(true);
      setTimeout(() => resolve(false), this.options.probeTimeoutMs).unref();
    });
    await this.database.db.execute(sql`select pg_notify(${REVOCATION_CHANNEL}, ${PROBE_PREFIX + this.probeId})`);
    const ok = await arrived;
    this.probeArrived = null;
    return ok;
  }

  private onListenerLost(): void {
    this.stopListening = undefined;
    this.delivering = false;
    if (this.stopped) return;
    this.subscriber?.trouble('the listening connection was lost');
    void this.relisten();
  }

  private async relisten(): Promise<void> {
    let delay = RELISTEN_FIRST_MS;
    while (!this.stopped && !this.stopListening) {
      await sleep(delay);
      delay = Math.min(delay * 2, RELISTEN_MAX_MS);
      if (this.isStopped()) return;
      await this.listenAndProbe();
    }
  }

  /** A method, so that the compiler does not assume the flag unchanged across an await. */
  private isStopped(): boolean {
    return this.stopped;
  }

  private warnOnce(message: string): void {
    if (this.warned) return;
    this.warned = true;
    this.options.onWarning(message);
  }

  private async dropListener(): Promise<void> {
    const stop = this.stopListening;
    this.stopListening = undefined;
    await stop?.().catch(() => undefined);
  }
}
