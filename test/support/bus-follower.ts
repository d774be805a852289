import type { BusSubscriber, LogReader } from '../../src/revocation/bus/revocation-bus';
import type { RevocationNotice } from '../../src/revocation/revocation.notice';

/** The revocation log as a bus sees it: versions 1, 2, 3, … that the test appends, and how often it was read. */
export class TestLog {
  readonly notices: RevocationNotice[] = [];
  reads = 0;

  readonly reader: LogReader = (afterVersion, limit) => {
    this.reads++;
    const notices = this.notices.filter((notice) => notice.version > afterVersion).slice(0, limit);
    return Promise.resolve({ head: this.head(), notices });
  };

  /** Logs `count` more versions and answers them, oldest first. */
  add(count: number): RevocationNotice[] {
    const added = Array.from({ length: count }, (_, index): RevocationNotice => {
      const version = this.head() + index + 1;
      return {
        version,
        sentAtMs: Date.now(),
        reason: 'test',
        jtis: [[`jti-${version}`, Date.now() + 60_000]],
        cutoffs: [],
        sessions: [],
      };
    });
    this.notices.push(...added);
    return added;
  }

  at(version: number): RevocationNotice {
    const notice = this.notices[version - 1];
    if (!notice) throw new Error(`version ${version} is not logged`);
    return notice;
  }

  head(): number {
    return this.notices.length;
  }
}

/**
 * What a bus delivers to, behaving as the instance's follower does: it applies versions in order,
 * ignores those it has, and reads the log for the ones a delivery skipped. It never polls the log
 * on its own, so whatever it applies without a log read came over the bus.
 */
export class TestFollower implements BusSubscriber {
  /** Versions as the bus delivered them. */
  readonly delivered: number[] = [];
  /** Versions in the order they were applied. */
  readonly applied: number[] = [];
  readonly troubles: string[] = [];
  logReads = 0;

  constructor(
    private readonly log: TestLog,
    private version = 0,
  ) {}

  appliedVersion(): number {
    return this.version;
  }

  deliver(notice: RevocationNotice): void {
    this.delivered.push(notice.version);
    if (notice.version <= this.version) return;
    if (notice.version > this.version + 1) this.readLog(notice.version - 1);
    this.apply(notice.version);
  }

  trouble(why: string): void {
    this.troubles.push(why);
  }

  /** Applies the logged versions up to `version`, as the follower's own log read would. */
  readLog(version: number): void {
    this.logReads++;
    while (this.version < version) this.apply(this.log.at(this.version + 1).version);
  }

  private apply(version: number): void {
    this.applied.push(version);
    this.version = version;
  }
}

/** 1, 2, …, `to` or `from`, …, `to`. */
export function versions(from: number, to?: number): number[] {
  const [first, last] = to === undefined ? [1, from] : [from, to];
  return Array.from({ length: last - first + 1 }, (_, index) => first + index);
}
