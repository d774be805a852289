import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { SingleRun } from '../single-run';
import { withTimeout } from '../timeout';
import { sequencePending } from './revocation-log.store';
import type { RevocationNotice } from './revocation.notice';

/** The longest a revocation's answer waits for the bus to take its versions. */
const PUBLISH_WAIT_MS = 200;

/**
 * Numbers committed log entries and hands them to the bus. One run at a time per instance: callers
 * that arrive during a run share the next one, so many concurrent revocations cost a few short
 * sequencing transactions, not one each.
 */
export class LogSequencer {
  private readonly runs = new SingleRun(() => this.runOnce());

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly onSequenced: (notices: RevocationNotice[]) => Promise<void> | void,
    private readonly onError: (message: string, error: unknown) => void,
  ) {}

  /** Resolves once every entry committed before the call has a version; never rejects. */
  sequence(): Promise<void> {
    return this.runs.run();
  }

  private async runOnce(): Promise<void> {
    try {
      const notices = await sequencePending(this.db, this.clock());
      // The revocation is answered once its versions are on their way, or after PUBLISH_WAIT_MS:
      // a bus that is down delays no answer for longer.
      if (notices.length === 0) return;
      // Past the wait, or should a bus reject, the versions still reach the others through the log.
      await withTimeout(Promise.resolve(this.onSequenced(notices)), PUBLISH_WAIT_MS, 'bus publish').catch(
        () => undefined,
      );
    } catch (error) {
      // The revocations are committed; any instance's next sequencing numbers what this one left.
      this.onError('revocation log entries could not be numbered', error);
    }
  }
}
