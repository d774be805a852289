import type { MirrorEntry } from '../revocation/revocation.mirror';
import type { RevocationNotice } from '../revocation/revocation.notice';

/** How long a stock EventSource waits before reconnecting, sent once when a stream opens. */
export const RECONNECT_MS = 1000;

/** The entries of one `snapshot` event, each with its reason; docs/revocation-events.md describes them. */
export interface SnapshotPage {
  jtis: Array<[jti: string, expiresAtMs: number, reason: string | null]>;
  cutoffs: Array<[userId: string, cutoffMs: number, reason: string | null]>;
  sessions: Array<[sessionId: string, cutoffMs: number, untilMs: number, reason: string | null]>;
  keys: Array<[kid: string, reason: string | null]>;
}

export const emptyPage = (): SnapshotPage => ({ jtis: [], cutoffs: [], sessions: [], keys: [] });

export function addToPage(page: SnapshotPage, item: MirrorEntry): void {
  switch (item.kind) {
    case 'jti':
      page.jtis.push(item.entry);
      break;
    case 'cutoff':
      page.cutoffs.push(item.entry);
      break;
    case 'session':
      page.sessions.push(item.entry);
      break;
    case 'key':
      page.keys.push(item.entry);
      break;
  }
}

/**
 * One event in the WHATWG HTML text/event-stream format. JSON has no raw line breaks, so `data`
 * is always a single line. Only events after which a consumer holds every version up to `id`
 * carry one: a stock EventSource resends the last one it saw as `Last-Event-ID`.
 */
function event(name: string, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const retryField = (): string => `retry: ${RECONNECT_MS}\n\n`;

/** A page of the whole state; only the last (`complete`) carries the version as its id. */
export function snapshotEvent(version: number, page: SnapshotPage, complete: boolean): string {
  return event('snapshot', { version, ...page, complete }, complete ? version : undefined);
}

/** One log version, as it was applied here. Who revoked (`actorId`) stays inside the service. */
export function revocationEvent(notice: RevocationNotice): string {
  return event(
    'revocation',
    {
      version: notice.version,
      sentAtMs: notice.sentAtMs,
      reason: notice.reason,
      jtis: notice.jtis,
      cutoffs: notice.cutoffs,
      sessions: notice.sessions,
      keys: notice.keys ?? [],
      signingKeysChanged: notice.signingKeysChanged === true,
      purged: notice.purged === true,
    },
    notice.version,
  );
}

/** The version this stream has sent every change up to, and whether that is proven to be the newest. */
export function heartbeatEvent(version: number, current: boolean, timeMs: number): string {
  return event('heartbeat', { version, current, timeMs });
}
