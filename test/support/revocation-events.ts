import { SseReader, type SseEvent } from './sse-reader';

export const EVENTS_PATH = '/oauth/revocation-events';

export type Entry = [string, ...Array<number | string | null>];

export interface SnapshotData {
  version: number;
  jtis: Entry[];
  cutoffs: Entry[];
  sessions: Entry[];
  keys: Entry[];
  complete: boolean;
}

export interface RevocationData {
  version: number;
  sentAtMs: number;
  reason: string | null;
  jtis: Entry[];
  cutoffs: Entry[];
  sessions: Entry[];
  keys: Entry[];
  signingKeysChanged: boolean;
  purged: boolean;
}

export interface HeartbeatData {
  version: number;
  current: boolean;
  timeMs: number;
}

export const basicAuth = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
});

export function openEvents(baseUrl: string, headers: Record<string, string>): Promise<SseReader> {
  return SseReader.open(`${baseUrl}${EVENTS_PATH}`, headers);
}

/** The `snapshot` events up to the complete one, merged; with the events read, to check their ids. */
export async function readState(reader: SseReader): Promise<{ state: SnapshotData; pages: SseEvent[] }> {
  const pages: SseEvent[] = [];
  const state: SnapshotData = { version: -1, jtis: [], cutoffs: [], sessions: [], keys: [], complete: false };
  while (!state.complete) {
    const event = await reader.next();
    if (event.event !== 'snapshot') throw new Error(`expected a snapshot event, got ${event.event}`);
    pages.push(event);
    const page = JSON.parse(event.data) as SnapshotData;
    state.version = page.version;
    state.complete = page.complete;
    for (const list of ['jtis', 'cutoffs', 'sessions', 'keys'] as const) state[list].push(...page[list]);
  }
  return { state, pages };
}

/** The next `revocation` event; it must be the very next event that is not a heartbeat. */
export async function nextRevocation(reader: SseReader, timeoutMs = 3000): Promise<RevocationData & { id?: string }> {
  const event = await reader.next((candidate) => candidate.event !== 'heartbeat', timeoutMs);
  if (event.event !== 'revocation') throw new Error(`expected a revocation event, got ${event.event}`);
  return { id: event.id, ...(JSON.parse(event.data) as RevocationData) };
}

export const firstOf = (entries: Entry[]): string[] => entries.map((entry) => entry[0]);

/** The next heartbeat not yet taken; with no `id:`, as none may carry one. */
export async function nextHeartbeat(reader: SseReader, timeoutMs = 1500): Promise<HeartbeatData & { id?: string }> {
  const event = await reader.next((candidate) => candidate.event === 'heartbeat', timeoutMs);
  return { id: event.id, ...(JSON.parse(event.data) as HeartbeatData) };
}
