import type { LogRead } from './log.follower';
import type { MirrorEntry } from './revocation.mirror';
import type { RevocationWatcher } from './revocation.watchers';

/** What a stream of this instance's revocation state reads: the mirror's state, the log, the changes as applied. */
export interface RevocationStateSource {
  /** Every entry the mirror holds, and a version they hold every change up to (later ones may be in too). */
  state(): { version: number; contents: Iterator<MirrorEntry> };
  /** The newest version applied here, and whether this instance is proven current now. */
  position(): { version: number; current: boolean };
  /** Up to `limit` log versions after `afterVersion`, oldest first, with the head. */
  readLog(afterVersion: number, limit: number): Promise<LogRead>;
  watch(watcher: RevocationWatcher): () => void;
}
