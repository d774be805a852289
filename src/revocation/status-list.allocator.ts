import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { IndexPermutation } from './status-list.permutation';
import { insertList, reserveBlock, type ReservedBlock } from './status-list.store';

/** A token's entry: which list, and its index there. */
export interface StatusEntry {
  listId: string;
  idx: number;
}

export interface AllocatorOptions {
  /** Entries in each new list (STATUS_LIST_SIZE). */
  listSize: number;
  /** Positions reserved at once: one short transaction per this many tokens. */
  blockSize: number;
  /** A block is used only this long after it was reserved, so a list's end of life is known (see `liveSince`). */
  leaseMs: number;
  onError(message: string, error: unknown): void;
}

interface HeldBlock {
  block: ReservedBlock;
  permutation: IndexPermutation;
  next: number;
  reservedAtMs: number;
}

/** 128 random bits, base64url: a list id or a permutation key. */
const randomId = () => randomBytes(16).toString('base64url');

/**
 * Hands out status list entries to tokens being issued. Each instance holds a block of positions
 * reserved in a short transaction of its own and takes the next one without a round trip, so
 * login and refresh pay nothing but the permutation (a few HMACs); the next block is fetched in the
 * background once half of this one is used. Positions never return: a restart or an expired lease
 * skips what was left, so an index never serves two tokens.
 */
export class StatusIndexAllocator {
  private held: HeldBlock | null = null;
  private spare: HeldBlock | null = null;
  private fetching: Promise<void> | null = null;
  /** Until `start`, nothing is fetched in the background (the admin CLI never starts it). */
  private stopped = true;
  private readonly permutations = new Map<string, IndexPermutation>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly options: AllocatorOptions,
  ) {}

  /** From now on blocks are fetched ahead; `warm` reserves the first, so the first login does not wait for one. */
  async start(warm: boolean): Promise<void> {
    this.stopped = false;
    if (warm) await this.fetchSpare();
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.fetching ?? Promise.resolve();
  }

  /**
   * An entry for a token issued in `tx`. Without a block in hand (at the very first token, or when
   * tokens come faster than blocks), one position is reserved in `tx` itself: a transaction of its
   * own could not run on the embedded database while `tx` holds it, and a position reserved in
   * `tx` goes back with it if `tx` rolls back, together with the only token that used it.
   */
  async take(tx: Database): Promise<StatusEntry> {
    const entry = this.takeHeld();
    if (entry) return entry;
    const block = await reserveOrOpen(tx, 1, this.options.listSize, new Date(this.clock()));
    return { listId: block.listId, idx: this.permutationOf(block).indexOf(block.start) };
  }

  /** When a list whose last block was reserved before this instant can hold no live token. */
  liveSince(accessTokenTtlSeconds: number): Date {
    // A minute for clocks that differ between instances.
    return new Date(this.clock() - this.options.leaseMs - accessTokenTtlSeconds * 1000 - 60_000);
  }

  private takeHeld(): StatusEntry | null {
    const now = this.clock();
    const usable = (held: HeldBlock | null) =>
      held !== null && held.next < held.block.end && now - held.reservedAtMs < this.options.leaseMs;
    if (!usable(this.held)) {
      this.held = usable(this.spare) ? this.spare : null;
      this.spare = null;
    }
    const held = this.held;
    if (held === null) {
      this.prefetch();
      return null;
    }
    const position = held.next;
    held.next += 1;
    if (this.spare === null && held.block.end - held.next < this.options.blockSize / 2) this.prefetch();
    return { listId: held.block.listId, idx: held.permutation.indexOf(position) };
  }

  private prefetch(): void {
    if (this.fetching || this.stopped) return;
    void this.fetchSpare().catch((error: unknown) => this.options.onError('status list block not reserved', error));
  }

  private fetchSpare(): Promise<void> {
    this.fetching ??= (async () => {
      try {
        const reservedAtMs = this.clock();
        const block = await this.db.transaction((tx) =>
          reserveOrOpen(tx, this.options.blockSize, this.options.listSize, new Date(reservedAtMs)),
        );
        this.spare = { block, permutation: this.permutationOf(block), next: block.start, reservedAtMs };
      } finally {
        this.fetching = null;
      }
    })();
    return this.fetching;
  }

  private permutationOf(block: ReservedBlock): IndexPermutation {
    let permutation = this.permutations.get(block.listId);
    if (!permutation) {
      permutation = new IndexPermutation(Buffer.from(block.permutationKey, 'base64url'), block.size);
      // Only the lists this instance draws from now: the newest few.
      if (this.permutations.size >= 8) this.permutations.clear();
      this.permutations.set(block.listId, permutation);
    }
    return permutation;
  }
}

/** A block of the oldest list with room; a new list when none has any. */
async function reserveOrOpen(db: Database, count: number, listSize: number, now: Date): Promise<ReservedBlock> {
  const reserved = await reserveBlock(db, count, now);
  if (reserved) return reserved;
  await insertList(db, { id: randomId(), size: listSize, permutationKey: randomId() }, now);
  const opened = await reserveBlock(db, count, now);
  if (!opened) throw new Error('a status list just opened has no room');
  return opened;
}
