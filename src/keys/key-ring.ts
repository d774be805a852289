import type { Clock } from '../clock';
import type { JwtAlgorithm } from '../config';
import type { Database } from '../db/client';
import type { SigningKeyRow } from '../db/schema';
import type { KeyPair, TokenKeys } from '../auth/token-keys';
import { keyPairOf } from './key-material';
import { unsealSecret } from './key-sealing';
import { RETIRED_KEY_GRACE_MS, signsFrom, verifiesUntilMs } from './key-state';
import { listLiveSigningKeys } from './signing-key.store';

/** One key as this instance holds it: its KeyObjects and the instants that give its state. */
export interface RingKey {
  kid: string;
  algorithm: JwtAlgorithm;
  pair: KeyPair;
  row: SigningKeyRow;
  verifiesUntilMs: number;
}

export interface KeyRingOptions {
  kek: Buffer;
  accessTokenTtlSeconds: number;
  /** How often the keys are read again, whatever notices arrive: bounds how late a missed change is seen. */
  pollIntervalMs: number;
  onError(message: string, error: unknown): void;
}

/** An unknown kid reads the keys again at most this often, so a flood of made-up kids costs one query a second. */
const UNKNOWN_KID_RELOAD_MS = 1000;

/**
 * The signing keys this instance signs and verifies with, read from the database (shared by every
 * instance) at start, on every key notice, on a timer, and when a token names a kid not held yet.
 */
export class KeyRing implements TokenKeys {
  private keys = new Map<string, RingKey>();
  private reloading: Promise<void> | null = null;
  private lastUnknownKidReloadMs = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly options: KeyRingOptions,
  ) {}

  async start(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => {
      this.reload().catch((error: unknown) => this.options.onError('signing keys could not be read', error));
    }, this.options.pollIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Reads the keys again; concurrent calls share one read. */
  reload(): Promise<void> {
    this.reloading ??= this.load().finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  /** For a token whose kid is not held: reads again unless that was done within the last second. */
  async reloadForUnknownKid(): Promise<boolean> {
    const now = this.clock();
    if (now - this.lastUnknownKidReloadMs < UNKNOWN_KID_RELOAD_MS) return false;
    this.lastUnknownKidReloadMs = now;
    try {
      await this.reload();
      return true;
    } catch (error) {
      this.options.onError('signing keys could not be read for an unknown kid', error);
      return false;
    }
  }

  /** The key that signs now: the most recently activated one that has not stopped signing. */
  signer(): RingKey {
    const now = this.clock();
    let best: RingKey | undefined;
    for (const key of this.keys.values()) {
      if (!signsFrom(key.row, now) || key.row.activatedAt.getTime() > now) continue;
      if (!best || key.row.activatedAt > best.row.activatedAt) best = key;
    }
    if (!best) throw new Error('no signing key is active; has the key ring started?');
    return best;
  }

  /** The key a kid names, while it may verify; revoked keys included, since the revocation check refuses their tokens. */
  verifier(kid: string): RingKey | undefined {
    const key = this.keys.get(kid);
    return key && key.verifiesUntilMs > this.clock() ? key : undefined;
  }

  /** When the most recently activated unrevoked key started (or starts) signing; null with no keys. */
  newestActivationMs(): number | null {
    let newest: number | null = null;
    for (const key of this.keys.values()) {
      const at = key.row.activatedAt.getTime();
      if (key.row.revokedAt === null && (newest === null || at > newest)) newest = at;
    }
    return newest;
  }

  /** NEXT, ACTIVE and RETIRED keys, not yet past verifying. */
  published(): RingKey[] {
    const now = this.clock();
    return [...this.keys.values()].filter((key) => key.row.revokedAt === null && key.verifiesUntilMs > now);
  }

  private async load(): Promise<void> {
    const ttl = this.options.accessTokenTtlSeconds;
    const since = new Date(this.clock() - ttl * 1000 - RETIRED_KEY_GRACE_MS);
    const rows = await listLiveSigningKeys(this.db, since);
    const next = new Map<string, RingKey>();
    for (const row of rows) {
      const known = this.keys.get(row.kid);
      let pair = known?.pair;
      if (!pair) {
        try {
          pair = keyPairOf(row.algorithm, unsealSecret(this.options.kek, row.kid, row.sealedSecret));
        } catch (error) {
          this.options.onError(`signing key ${row.kid} cannot be opened with this JWT_SECRET`, error);
          continue;
        }
      }
      next.set(row.kid, {
        kid: row.kid,
        algorithm: row.algorithm,
        pair,
        row,
        verifiesUntilMs: verifiesUntilMs(row, ttl),
      });
    }
    this.keys = next;
  }
}
