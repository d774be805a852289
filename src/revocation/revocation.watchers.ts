import type { RevocationChanges, RevocationNotice } from './revocation.notice';

/**
 * What holds a token for longer than one request (an open socket) is told when revocations take
 * effect here, and when this instance can no longer vouch that it has seen them all.
 */
export interface RevocationWatcher {
  /** Changes this instance has just committed; the same changes are notified again later. */
  committed?(changes: RevocationChanges): void;
  /** A change committed on any instance, this one included, delivered once. */
  notified?(notice: RevocationNotice): void;
  /** Changes may be missed from now on, until `synced`. */
  unsynced?(): void;
  /** Back in sync after `unsynced`; changes from the gap came in the snapshot, not as notices. */
  synced?(): void;
}

export class RevocationWatchers {
  private readonly watchers = new Set<RevocationWatcher>();

  add(watcher: RevocationWatcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  committed(changes: RevocationChanges): void {
    for (const watcher of this.watchers) watcher.committed?.(changes);
  }

  notified(notice: RevocationNotice): void {
    for (const watcher of this.watchers) watcher.notified?.(notice);
  }

  unsynced(): void {
    for (const watcher of this.watchers) watcher.unsynced?.();
  }

  synced(): void {
    for (const watcher of this.watchers) watcher.synced?.();
  }
}
