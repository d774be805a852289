import { randomUUID } from 'node:crypto';
import { decodeJwtPart } from './support/forge';
import {
  LOGOUT,
  LOGOUT_ALL,
  REVOKE_SESSION,
  REVOKE_SIGNING_KEY,
  REVOKE_TOKEN,
  REVOKE_USER_TOKENS,
  type AuthPayloadData,
} from './support/operations';
import {
  basicAuth,
  type Entry,
  firstOf,
  nextRevocation,
  openEvents,
  readState,
  nextHeartbeat,
} from './support/revocation-events';
import { kidOf } from './support/signing-keys';
import { sample, scrape } from './support/prometheus';
import { useTestServer } from './support/shared-server';
import type { SseReader } from './support/sse-reader';
import { startTestServer, type TestServer } from './support/test-server';
import { settlesWithin } from './support/wait';

const CLIENT = 'orders-api';
const SECRET = 'an-orders-api-secret-of-at-least-32-chars';
const CAPPED = 'capped-client';
const CAPPED_SECRET = 'c'.repeat(40);
const OAUTH_CLIENTS = `${CLIENT}:${SECRET},${CAPPED}:${CAPPED_SECRET}`;
const auth = basicAuth(CLIENT, SECRET);

const jtiOf = (token: string) => String(decodeJwtPart(token, 1).jti);
const sidOf = (token: string) => String(decodeJwtPart(token, 1).sid);
const subOf = (token: string) => String(decodeJwtPart(token, 1).sub);

const server = useTestServer({ env: { OAUTH_CLIENTS, REVOCATION_EVENTS_MAX_STREAMS_PER_CLIENT: '3' } });
const readers: SseReader[] = [];
afterEach(() => {
  for (const reader of readers.splice(0)) reader.close();
});
const open = async (headers: Record<string, string> = auth, on: TestServer = server) => {
  const reader = await openEvents(on.baseUrl, headers);
  readers.push(reader);
  return reader;
};

/** Revocations held in memory without a log version, as a committed write leaves them: a large state quickly. */
function fillState(target: TestServer, count: number): string[] {
  const jtis = Array.from({ length: count }, () => randomUUID());
  const expiresAtMs = target.clock.now() + 3_600_000;
  target.server.services.revocationCheck.applyCommitted([
    { reason: 'bulk', jtis: jtis.map((jti) => [jti, expiresAtMs]), cutoffs: [], sessions: [] },
  ]);
  return jtis;
}

const gqlOk = async (query: string, variables: Record<string, unknown>, token: string) => {
  const response = await server.gql(query, variables, { token });
  if (response.errors) throw new Error(JSON.stringify(response.errors));
};

describe('the whole state first, then every version in order', () => {
  let admin: AuthPayloadData;
  beforeAll(async () => {
    admin = await server.loginAdmin();
  });

  it('opens as text/event-stream with a retry, and sends the state with the version it holds', async () => {
    const user = await server.register();
    await gqlOk(
      REVOKE_TOKEN,
      { input: { jti: jtiOf(user.accessToken), reason: 'before the stream' } },
      admin.accessToken,
    );
    const reader = await open();
    expect(reader.status).toBe(200);
    expect(reader.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(reader.response.headers['cache-control']).toBe('no-store');
    const { state, pages } = await readState(reader);
    expect(reader.retry).toBe(1000);
    expect(state.jtis).toContainEqual([jtiOf(user.accessToken), expect.any(Number), 'before the stream']);
    expect(pages.at(-1)?.id).toBe(String(state.version));
    expect(state.version).toBe(server.server.services.revocationCheck.status().appliedVersion);
  });

  it('pages a large state; only the last page carries the version as its id', async () => {
    const jtis = fillState(server, 2500);
    const { state, pages } = await readState(await open());
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.slice(0, -1).every((page) => page.id === undefined)).toBe(true);
    expect(pages.at(-1)?.id).toBe(String(state.version));
    const sent = new Set(firstOf(state.jtis));
    expect(jtis.every((jti) => sent.has(jti))).toBe(true);
  });

  it('sends every kind of revocation as it is applied, each version once and in order', async () => {
    const reader = await open();
    const { state } = await readState(reader);
    let version = state.version;
    type Revocation = Awaited<ReturnType<typeof nextRevocation>>;
    /** Reads revocations, each the version after the one before, until one matches; a write may log several. */
    const expectUntil = async (matches: (event: Revocation) => boolean) => {
      for (;;) {
        const event = await nextRevocation(reader);
        version += 1;
        expect(event.version).toBe(version);
        expect(event.id).toBe(String(version));
        if (matches(event)) return event;
      }
    };
    const has = (entries: Entry[], id: string) => firstOf(entries).includes(id);

    const one = await server.register();
    await gqlOk(REVOKE_TOKEN, { input: { jti: jtiOf(one.accessToken), reason: 'by jti' } }, admin.accessToken);
    const byToken = await expectUntil((event) => has(event.jtis, jtiOf(one.accessToken)));
    expect(byToken.jtis).toContainEqual([jtiOf(one.accessToken), expect.any(Number)]);
    expect(byToken.reason).toBe('by jti');

    const two = await server.register();
    await gqlOk(LOGOUT, {}, two.accessToken);
    const loggedOut = await expectUntil((event) => has(event.sessions, sidOf(two.accessToken)));
    expect(loggedOut.reason).toBe('logged out');
    await expectUntil((event) => has(event.jtis, jtiOf(two.accessToken)));

    const three = await server.register();
    await gqlOk(REVOKE_SESSION, { id: sidOf(three.accessToken), reason: 'lost phone' }, admin.accessToken);
    const session = await expectUntil((event) => has(event.sessions, sidOf(three.accessToken)));
    expect(session.sessions).toContainEqual([sidOf(three.accessToken), expect.any(Number), expect.any(Number)]);
    expect(session.reason).toBe('lost phone');

    const four = await server.register();
    await gqlOk(LOGOUT_ALL, {}, four.accessToken);
    const everywhere = await expectUntil((event) => has(event.cutoffs, subOf(four.accessToken)));
    expect(everywhere.reason).toBe('logged out everywhere');

    const five = await server.register();
    await gqlOk(REVOKE_USER_TOKENS, { userId: subOf(five.accessToken), reason: 'fraud' }, admin.accessToken);
    const user = await expectUntil((event) => has(event.cutoffs, subOf(five.accessToken)));
    expect(user.cutoffs).toContainEqual([subOf(five.accessToken), expect.any(Number)]);
    expect(user.reason).toBe('fraud');

    const kid = kidOf(admin.accessToken);
    await gqlOk(REVOKE_SIGNING_KEY, { kid, reason: 'key leaked' }, admin.accessToken);
    const key = await expectUntil((event) => has(event.keys, kid));
    expect(key.keys).toContainEqual([kid, expect.any(Number)]);
    expect(key.signingKeysChanged).toBe(true);
    expect(key.reason).toBe('key leaked');
    // Nothing else was revoked: no version follows.
    await expect(nextRevocation(reader, 700)).rejects.toThrow(/no matching event/);
    admin = await server.loginAdmin();
  });

  it('sends a heartbeat as soon as the state is sent, not at the next beat of the shared timer', async () => {
    const reader = await open();
    const { state } = await readState(reader);
    // A consumer answers nothing until a heartbeat proves its state current.
    expect(await nextHeartbeat(reader, 100)).toMatchObject({ version: state.version, current: true });
  });

  it('sends a heartbeat at least every second with the version sent and current: true', async () => {
    const reader = await open();
    const { state } = await readState(reader);
    const beats: number[] = [];
    const first = await nextHeartbeat(reader, 1500);
    expect(first.id).toBeUndefined();
    expect(first).toMatchObject({ version: state.version, current: true });
    beats.push(performance.now());
    for (let i = 0; i < 4; i += 1) {
      const beat = await nextHeartbeat(reader, 1500);
      expect(beat.version).toBe(state.version);
      beats.push(performance.now());
    }
    const gaps = beats.slice(1).map((at, index) => at - (beats[index] ?? at));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1000);

    const user = await server.register();
    await gqlOk(REVOKE_TOKEN, { input: { jti: jtiOf(user.accessToken) } }, admin.accessToken);
    const revoked = await nextRevocation(reader);
    const after = await nextHeartbeat(reader, 1500);
    expect(after.version).toBe(revoked.version);
  });
});

describe('resuming with Last-Event-ID', () => {
  let admin: AuthPayloadData;
  beforeAll(async () => {
    admin = await server.loginAdmin();
    fillState(server, 1000);
  });

  const revokeOne = async () => {
    const user = await server.register();
    await gqlOk(REVOKE_TOKEN, { input: { jti: jtiOf(user.accessToken) } }, admin.accessToken);
    return jtiOf(user.accessToken);
  };

  it('sends only the versions after it, not the state', async () => {
    const first = await open();
    const { state } = await readState(first);
    const fullStateBytes = first.bytes;
    const a = await revokeOne();
    const eventA = await nextRevocation(first);
    const b = await revokeOne();
    const c = await revokeOne();
    expect(firstOf(eventA.jtis)).toEqual([a]);
    expect(eventA.version).toBe(state.version + 1);
    first.close();

    const resumed = await open({ ...auth, 'last-event-id': String(eventA.version) });
    const eventB = await nextRevocation(resumed);
    const eventC = await nextRevocation(resumed);
    expect([eventB.version, eventC.version]).toEqual([eventA.version + 1, eventA.version + 2]);
    expect([firstOf(eventB.jtis), firstOf(eventC.jtis)]).toEqual([[b], [c]]);
    expect(resumed.events.some((event) => event.event === 'snapshot')).toBe(false);
    const beat = await nextHeartbeat(resumed, 1500);
    expect(beat).toMatchObject({ version: eventC.version, current: true });
    console.log(`resume: ${resumed.bytes} bytes against ${fullStateBytes} for the whole state`);
    expect(resumed.bytes * 20).toBeLessThan(fullStateBytes);
  });

  it('at the head, sends nothing but heartbeats and later versions', async () => {
    const head = Number(server.server.services.revocationCheck.status().appliedVersion);
    const reader = await open({ ...auth, 'last-event-id': String(head) });
    const beat = await nextHeartbeat(reader, 1500);
    expect(beat.version).toBe(head);
    const jti = await revokeOne();
    const event = await nextRevocation(reader);
    expect(event.version).toBe(head + 1);
    expect(firstOf(event.jtis)).toEqual([jti]);
  });

  it('a version in the future gets the whole state again', async () => {
    const { state } = await readState(await open({ ...auth, 'last-event-id': '999999999' }));
    expect(state.version).toBe(server.server.services.revocationCheck.status().appliedVersion);
  });

  it.each(['abc', '-1', '1.5', '1e3', '9'.repeat(16)])('refuses Last-Event-ID %p with 400', async (id) => {
    const reader = await open({ ...auth, 'last-event-id': id });
    expect(reader.status).toBe(400);
    expect(reader.response.headers['content-type']).toMatch(/^application\/json/);
    await reader.closed;
    expect(reader.events).toEqual([]);
  });
});

describe('authentication and limits', () => {
  const errorOf = async (reader: SseReader) => {
    await reader.closed;
    return JSON.parse(reader.text) as { error: string; error_description: string };
  };

  it.each([
    ['no credentials', {}],
    ['a wrong secret', basicAuth(CLIENT, 'w'.repeat(40))],
    ['an unknown client', basicAuth('nobody', SECRET)],
  ])('refuses %s with 401 and WWW-Authenticate', async (_, headers: Record<string, string>) => {
    const reader = await open(headers);
    expect(reader.status).toBe(401);
    expect(reader.response.headers['www-authenticate']).toMatch(/^Basic realm="token-warden"/);
    expect(await errorOf(reader)).toMatchObject({ error: 'invalid_client' });
  });

  it('answers HEAD without opening a stream that would count against the cap', async () => {
    const capped = basicAuth(CAPPED, CAPPED_SECRET);
    for (let i = 0; i < 4; i += 1) {
      const response = await fetch(`${server.baseUrl}/oauth/revocation-events`, { method: 'HEAD', headers: capped });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    }
  });

  it('refuses a stream past the per-client cap with 429 and Retry-After; a closed one frees its place', async () => {
    const capped = basicAuth(CAPPED, CAPPED_SECRET);
    const openStreams = async () => sample((await scrape(server)).text, 'token_warden_revocation_event_streams');
    const before = await openStreams();
    const held = await Promise.all([open(capped), open(capped), open(capped)]);
    expect(await openStreams()).toBe(before + 3);
    for (const reader of held) expect(reader.status).toBe(200);
    const refused = await open(capped);
    expect(refused.status).toBe(429);
    expect(refused.response.headers['retry-after']).toBe('5');
    expect(await errorOf(refused)).toMatchObject({ error: 'temporarily_unavailable' });
    // Another client has a cap of its own.
    expect((await open()).status).toBe(200);

    held[0].close();
    let again = await open(capped);
    for (let tries = 0; again.status === 429 && tries < 50; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      again = await open(capped);
    }
    expect(again.status).toBe(200);
  });

  it('frees the place of a consumer that leaves at once, not when a heartbeat fails to reach it', async () => {
    const capped = basicAuth(CAPPED, CAPPED_SECRET);
    const held = await Promise.all([open(capped), open(capped), open(capped)]);
    for (const reader of held) expect(reader.status).toBe(200);
    held[0].close();
    await held[0].closed;
    const since = performance.now();
    let again = await open(capped);
    while (again.status === 429 && performance.now() - since < 2000) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      again = await open(capped);
    }
    expect(again.status).toBe(200);
    // Heartbeats go out every 500 ms: a place freed by a failed one takes that long or more.
    expect(performance.now() - since).toBeLessThan(250);
  });

  it('lists the stream in the RFC 8414 metadata', async () => {
    const metadata = (await (await fetch(`${server.baseUrl}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata.revocation_events_endpoint).toBe(`${server.baseUrl}/oauth/revocation-events`);
  });
});

describe('a log that no longer holds the version', () => {
  it('gets the whole state again', async () => {
    const admin = await server.loginAdmin();
    const user = await server.register();
    await gqlOk(REVOKE_TOKEN, { input: { jti: jtiOf(user.accessToken) } }, admin.accessToken);
    const reader = await open();
    const { state } = await readState(reader);
    reader.close();
    // Past every session's expiry the purge prunes the log entries no token needs.
    server.clock.advance(31 * 86_400_000);
    const purged = await server.server.services.revocations.purgeExpiredTokens(null);
    expect(purged.logEntries).toBeGreaterThan(0);
    // It holds version 1 no more: a consumer that had nothing cannot resume from it.
    const resumed = await open({ ...auth, 'last-event-id': '0' });
    const again = await readState(resumed);
    expect(again.state.version).toBeGreaterThanOrEqual(state.version);
  });
});

describe('slow consumers and shutdown', () => {
  let own: TestServer | undefined;
  afterEach(async () => {
    await own?.stop();
    own = undefined;
  });

  it('cuts a consumer that stops reading instead of buffering for it', async () => {
    own = await startTestServer({ env: { OAUTH_CLIENTS } });
    fillState(own, 150_000);
    const reader = await open(auth, own);
    expect(reader.status).toBe(200);
    await reader.next((event) => event.event === 'snapshot');
    reader.pause();
    // A paused socket does not see the server close it: it reads on after the stall bound.
    await new Promise((resolve) => setTimeout(resolve, 7000));
    reader.resume();
    expect(await settlesWithin(reader.closed, 5000)).toBe(true);
    const complete = reader.events.some((event) => event.event === 'snapshot' && event.id !== undefined);
    console.log(`slow consumer: cut after ${reader.bytes} bytes of a ~10 MB state`);
    expect(complete).toBe(false);
  }, 20_000);

  it('ends open streams at shutdown without waiting for the grace period', async () => {
    own = await startTestServer({ env: { OAUTH_CLIENTS, SHUTDOWN_GRACE_SECONDS: '30' } });
    const reader = await open(auth, own);
    await readState(reader);
    const stopping = own.stop();
    own = undefined;
    const started = performance.now();
    expect(await settlesWithin(reader.closed, 3000)).toBe(true);
    expect(await settlesWithin(stopping, 5000)).toBe(true);
    console.log(`stream ended ${(performance.now() - started).toFixed(0)} ms into shutdown`);
  });

  it('with REVOCATION_CHECK=database, answers 503 and is not listed in the metadata', async () => {
    own = await startTestServer({ env: { OAUTH_CLIENTS, REVOCATION_CHECK: 'database' } });
    const reader = await open(auth, own);
    expect(reader.status).toBe(503);
    const metadata = (await (await fetch(`${own.baseUrl}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata).not.toHaveProperty('revocation_events_endpoint');
    expect(metadata).toHaveProperty('introspection_endpoint');
  });
});
