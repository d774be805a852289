import type { RemoteKeys } from './token.verification';

/** Forged tokens naming made-up kids cannot make the verifier fetch the key set more often than this. */
const MIN_FETCH_INTERVAL_MS = 250;
const CHANGE_ATTEMPTS = 4;
const CHANGE_RETRY_MS = 250;

/**
 * The service's published keys, fetched again when the stream says they changed, or when a token
 * names a kid not held (a token signed by a key rotated in a moment before the stream said so).
 */
export class SigningKeys {
  private lastFetchMs = -Infinity;
  private pending: Promise<void> | null = null;
  private changing: Promise<void> | null = null;

  constructor(readonly remote: RemoteKeys) {}

  get count(): number {
    return this.remote.jwks()?.keys.length ?? 0;
  }

  private holds(kid: string): boolean {
    return (this.remote.jwks()?.keys ?? []).some((key) => key.kid === kid);
  }

  private kids(): string {
    return (this.remote.jwks()?.keys ?? []).map((key) => key.kid ?? '').join(' ');
  }

  /**
   * The stream said the keys changed. The instance that sent that may still be reading its own
   * keys, and then publishes the old set for a few milliseconds: fetch again while nothing changed.
   */
  changed(): Promise<void> {
    const change = this.fetchUntilChanged().finally(() => {
      if (this.changing === change) this.changing = null;
    });
    this.changing = change;
    return change;
  }

  private async fetchUntilChanged(): Promise<void> {
    const before = this.kids();
    for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, CHANGE_RETRY_MS));
      await this.reload();
      if (this.kids() !== before) return;
    }
  }

  reload(): Promise<void> {
    this.pending ??= this.remote.reload().finally(() => {
      this.lastFetchMs = performance.now();
      this.pending = null;
    });
    return this.pending;
  }

  async reloadForUnknownKid(kid: string): Promise<void> {
    if (this.changing !== null) await this.changing;
    if (this.holds(kid)) return;
    if (this.pending !== null) return this.pending;
    const waitMs = this.lastFetchMs + MIN_FETCH_INTERVAL_MS - performance.now();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    return this.reload();
  }
}
