import type { RevocationNotice } from '../revocation.notice';
import type { LogReader } from './revocation-bus';

/** Where a bus's stream ends: its newest version, null when it holds none, and the position after which to append. */
export interface StreamEnd {
  version: number | null;
  position: number;
}

/** A bus's stream as the publishing side sees it: it appends only right after the end it expects. */
export interface OrderedStream {
  /**
   * Appends `notices` (consecutive versions, oldest first) if the stream still ends right before the
   * first of them, or, given `after`, still ends there. Resolves 'appended' when all of them went in,
   * or else with where the stream ends now.
   */
  append(notices: readonly RevocationNotice[], after?: StreamEnd): Promise<'appended' | StreamEnd>;
}

/** Versions read from the log to fill one gap; past that, followers are better off reading the log themselves. */
const MAX_FILL = 10_000;
const FILL_PAGE = 500;
/** Other publishers may append between our look at the end and our append; a few rounds settle that. */
const MAX_ROUNDS = 5;

/**
 * Appends `target` so that the stream stays in version order: a version the stream already holds
 * (a repeat, or one published late) is dropped, and a gap before it is filled from the log first.
 */
export async function appendInOrder(
  stream: OrderedStream,
  log: LogReader,
  target: RevocationNotice,
  onError: (message: string, error?: unknown) => void,
): Promise<void> {
  let result = await stream.append([target]);
  for (let round = 0; result !== 'appended'; round++) {
    const end = result;
    if (end.version !== null && end.version >= target.version) return;
    if (round === MAX_ROUNDS) throw new Error(`the stream kept changing while version ${target.version} was appended`);
    // An empty stream has no order to keep: it starts at the version at hand.
    const notices = end.version === null ? [target] : await withGapFilled(log, end.version, target, onError);
    result = await stream.append(notices, end);
  }
}

/** The log's versions after `afterVersion` up to `target`, then `target`; just `target` when the log cannot say. */
async function withGapFilled(
  log: LogReader,
  afterVersion: number,
  target: RevocationNotice,
  onError: (message: string, error?: unknown) => void,
): Promise<RevocationNotice[]> {
  if (target.version - afterVersion > MAX_FILL) return [target];
  const notices: RevocationNotice[] = [];
  let cursor = afterVersion;
  try {
    while (cursor < target.version - 1) {
      const page = await log(cursor, Math.min(FILL_PAGE, target.version - 1 - cursor));
      const fresh = page.notices.filter((notice) => notice.version > cursor && notice.version < target.version);
      const last = fresh.at(-1);
      if (last === undefined) break;
      notices.push(...fresh);
      cursor = last.version;
    }
  } catch (error) {
    // The stream keeps its order with a gap in it; followers read the gap from the log themselves.
    onError(`could not read revocation log versions ${afterVersion + 1}-${target.version - 1} to fill the bus`, error);
  }
  notices.push(target);
  return notices;
}
