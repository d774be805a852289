import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { sequencePending } from './revocation-log.store';
import type { RevocationNotice } from './revocation.notice';

/**
 * Numbers committed log entries and hands them to the bus. One run at a time per instance: callers
 * that arrive during a run share the next one, so many concurrent revocations cost a few short
 * sequencing transactions, not one each.
 */
export class LogSequencer {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly onSequenced: (notices: RevocationNotice[]) => void,
    private readonly onError: (message: string, error: unknown) => void,
  ) {}

  /** Resolves once every entry committed before the call has a version; never rejects. */
  sequence(): Promise<void> {
    if (this.running === null) {
      this.running = this.runOnce().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    this.next ??= this.running.then(() => {
      this.next = null;
      return this.sequence();
    });
    return this.next;
  }

  private async runOnce(): Promise<void> {
    try {
      const notices = await sequencePending(this.db, this.clock());
      if (notices.length > 0) this.onSequenced(notices);
    } catch (error) {
      // The revocations are committed; any instance's next sequencing numbers what this one left.
      this.onError('revocation log entries could not be numbered', error);
    }
  }
}
