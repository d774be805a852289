import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { NatsRevocationBus, natsStreamOf } from '../../src/revocation/bus/nats.bus';
import { RedisRevocationBus, redisStreamOf } from '../../src/revocation/bus/redis.bus';
import type { RevocationBus } from '../../src/revocation/bus/revocation-bus';
import { decodeNotice } from '../../src/revocation/revocation.notice';
import { TestFollower, TestLog, versions } from '../support/bus-follower';
import { BusServer } from '../support/bus-server';
import { TcpProxy } from '../support/tcp-proxy';
import { msToSettle, waitFor } from '../support/wait';

jest.setTimeout(60_000);

/** A bus kind, and a look at its server behind the bus's back: each look its own connection, closed before it answers. */
interface BusKind {
  name: string;
  server(): Promise<BusServer>;
  /** A bus on `deployment`'s stream; `limit` bounds how many versions the stream keeps. */
  create(
    url: string,
    deployment: string,
    log: TestLog,
    onError: (message: string) => void,
    limit?: number,
  ): RevocationBus;
  /** The stream's entries in its order: their versions, -1 for one that is not a notice. */
  stream(url: string, deployment: string): Promise<number[]>;
  /** Appends something that is not a notice, as another writer could. */
  garbage(url: string, deployment: string): Promise<void>;
}

async function withNats<T>(
  url: string,
  use: (nc: NatsConnection, manager: JetStreamManager) => Promise<T>,
): Promise<T> {
  const nc = await connect({ servers: url });
  try {
    return await use(nc, await jetstreamManager(nc));
  } finally {
    await nc.close();
  }
}

async function withRedis<T>(url: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url);
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

const NATS: BusKind = {
  name: 'nats',
  server: () => BusServer.nats(),
  create: (url, deployment, log, onError, maxMessages) =>
    new NatsRevocationBus({ url, deployment, log: log.reader, onError, maxMessages, reconnectWaitMs: 100 }),
  stream: (url, deployment) =>
    withNats(url, async (_, manager) => {
      const { stream } = natsStreamOf(deployment);
      const info = await manager.streams.info(stream).catch(() => null);
      const found: number[] = [];
      if (!info || info.state.messages === 0) return [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        const message = await manager.streams.getMessage(stream, { seq });
        found.push(message ? (decodeNotice(message.string())?.version ?? -1) : -1);
      }
      return found;
    }),
  garbage: (url, deployment) =>
    withNats(url, async (nc) => {
      nc.publish(natsStreamOf(deployment).subject, 'not a notice');
      await nc.flush();
    }),
};

const REDIS: BusKind = {
  name: 'redis',
  server: () => BusServer.redis(),
  create: (url, deployment, log, onError, maxLength) =>
    new RedisRevocationBus({ url, deployment, log: log.reader, onError, maxLength, reconnectWaitMs: 100 }),
  stream: (url, deployment) =>
    withRedis(url, async (redis) => {
      const entries = await redis.xrange(redisStreamOf(deployment), '-', '+');
      return entries.map(([, fields]) => decodeNotice(fields[1] ?? '')?.version ?? -1);
    }),
  garbage: (url, deployment) =>
    withRedis(url, async (redis) => {
      // In the bus's own id space, as a later release writing another format would.
      const [top] = await redis.xrevrange(redisStreamOf(deployment), '+', '-', 'COUNT', 1);
      const next = Number(top?.[0].split('-')[0] ?? 0) + 1;
      await redis.xadd(redisStreamOf(deployment), `${next}-1`, 'n', 'not a notice');
    }),
};

describe.each([NATS, REDIS])('the $name revocation bus', (kind) => {
  let server: BusServer;
  let buses: RevocationBus[] = [];
  let errors: string[] = [];
  let test = 0;
  let deployment = '';

  beforeAll(async () => {
    server = await kind.server();
  });
  afterAll(() => server.dispose());
  beforeEach(() => {
    deployment = `test-${++test}`;
    errors = [];
  });
  afterEach(async () => {
    await Promise.all(buses.map((bus) => bus.stop()));
    buses = [];
  });

  /** A bus on this test's stream, stopped after the test. */
  function bus(log: TestLog, limit?: number): RevocationBus {
    const created = kind.create(server.url, deployment, log, (message) => errors.push(message), limit);
    buses.push(created);
    return created;
  }

  async function streamHolds(expected: number[]): Promise<void> {
    await waitFor(
      async () => JSON.stringify(await kind.stream(server.url, deployment)) === JSON.stringify(expected),
      10_000,
      `the stream holding ${expected.length} versions`,
      50,
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)}; it holds ${JSON.stringify(await kind.stream(server.url, deployment))}`);
    });
  }

  it('carries 300 versions from one instance to another, in order, each applied once, with no log read', async () => {
    const log = new TestLog();
    const follower = new TestFollower(log);
    const publisher = bus(log);
    await bus(log).start(follower);
    while (log.head() < 300) void publisher.publish(log.add(Math.min(1 + (log.head() % 3), 300 - log.head())));

    await waitFor(() => follower.appliedVersion() === 300, 10_000, 'the follower at version 300');
    expect(follower.applied).toEqual(versions(300));
    expect(follower.delivered).toEqual(versions(300));
    expect(follower.logReads).toBe(0);
    expect(log.reads).toBe(0);
    expect(errors).toEqual([]);
  });

  it('keeps its stream in version order: repeats and late versions are dropped, a skipped one is read from the log', async () => {
    const log = new TestLog();
    log.add(7);
    const [one, another] = [bus(log), bus(log)];
    void one.publish([log.at(1), log.at(2), log.at(3)]);
    await streamHolds([1, 2, 3]);
    expect(log.reads).toBe(0);

    void one.publish([log.at(5)]);
    void one.publish([log.at(4)]);
    void another.publish([log.at(3)]);
    void one.publish([log.at(6), log.at(6)]);
    void another.publish([log.at(2), log.at(7)]);
    await streamHolds(versions(7));
    expect(log.reads).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await kind.stream(server.url, deployment)).toEqual(versions(7));

    const follower = new TestFollower(log);
    await bus(log).start(follower);
    await waitFor(() => follower.appliedVersion() === 7, 10_000, 'the follower at version 7');
    expect(follower.delivered).toEqual(versions(7));
    expect(errors).toEqual([]);
  });

  it('survives its server stopping: publishing neither waits nor queues without bound, and every version arrives after the restart', async () => {
    const log = new TestLog();
    const follower = new TestFollower(log);
    const publisher = bus(log);
    await bus(log).start(follower);
    for (const notice of log.add(50)) void publisher.publish([notice]);
    await waitFor(() => follower.appliedVersion() === 50, 10_000, 'the follower at version 50');

    await server.stop();
    let slowestPublishMs = 0;
    try {
      await waitFor(() => follower.troubles.length > 0, 5_000, 'the subscriber reporting the outage');
      // More than a publisher keeps while its bus is away: the oldest must come from the log later.
      for (const notice of log.add(1200)) {
        const started = performance.now();
        void publisher.publish([notice]);
        slowestPublishMs = Math.max(slowestPublishMs, performance.now() - started);
      }
    } finally {
      await server.start();
    }
    // Waiting for the bus would take a connection attempt at least; this allows for a busy machine.
    expect(slowestPublishMs).toBeLessThan(50);
    // Meanwhile the instance read the log, as followers do every 500 ms.
    follower.readLog(1000);
    const deliveredBefore = follower.delivered.length;

    for (const notice of log.add(10)) void publisher.publish([notice]);
    await waitFor(() => follower.appliedVersion() === 1260, 20_000, 'the follower at version 1260');

    expect(follower.applied).toEqual(versions(1260));
    expect(follower.logReads).toBe(1);
    // It resumed after what it had applied, not from the start of the stream.
    const deliveredAfter = follower.delivered.slice(deliveredBefore);
    expect(Math.min(...deliveredAfter)).toBeGreaterThan(50);
    expect(deliveredAfter).toEqual(expect.arrayContaining(versions(1001, 1260)));
    // The publisher filled what it dropped during the outage from the log.
    expect(log.reads).toBeGreaterThan(0);
    expect(await kind.stream(server.url, deployment)).toEqual(versions(1260));
  });

  it('resumes after a lost connection from the version its follower has applied by then', async () => {
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
    try {
      const log = new TestLog();
      const follower = new TestFollower(log);
      const publisher = bus(log);
      const subscriber = kind.create(proxy.route(server.url), deployment, log, (message) => errors.push(message));
      buses.push(subscriber);
      await subscriber.start(follower);
      void publisher.publish(log.add(50));
      await waitFor(() => follower.appliedVersion() === 50, 10_000, 'the follower at version 50');

      proxy.cut();
      await waitFor(() => follower.troubles.length > 0, 5_000, 'the subscriber reporting the lost connection');
      void publisher.publish(log.add(50));
      await streamHolds(versions(100));
      follower.readLog(80);
      const deliveredBefore = follower.delivered.length;
      proxy.restore();
      await waitFor(() => follower.appliedVersion() === 100, 10_000, 'the follower at version 100');

      expect(follower.delivered.slice(deliveredBefore)).toEqual(versions(81, 100));
      expect(follower.applied).toEqual(versions(100));
    } finally {
      await proxy.close();
    }
  });

  it('starts a late subscriber after the version it has applied, not from the first or only at the next', async () => {
    const log = new TestLog();
    const publisher = bus(log);
    void publisher.publish(log.add(100));
    await streamHolds(versions(100));

    const follower = new TestFollower(log, 60);
    await bus(log).start(follower);
    await waitFor(() => follower.appliedVersion() === 100, 10_000, 'the follower at version 100');
    void publisher.publish(log.add(1));
    await waitFor(() => follower.appliedVersion() === 101, 10_000, 'the follower at version 101');
    expect(follower.delivered).toEqual(versions(61, 101));
    expect(follower.applied).toEqual(versions(61, 101));
  });

  it('skips and reports what is not a notice', async () => {
    const log = new TestLog();
    const follower = new TestFollower(log);
    const publisher = bus(log);
    await bus(log).start(follower);
    void publisher.publish(log.add(3));
    await waitFor(() => follower.appliedVersion() === 3, 10_000, 'the follower at version 3');

    await kind.garbage(server.url, deployment);
    for (const notice of log.add(2)) void publisher.publish([notice]);
    await waitFor(() => follower.appliedVersion() === 5, 10_000, 'the follower at version 5');

    expect(follower.applied).toEqual(versions(5));
    expect(follower.delivered.at(-1)).toBe(5);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/not a revocation notice/);
    // The publisher found the end of its stream past the foreign entry.
    expect((await kind.stream(server.url, deployment)).filter((version) => version !== -1)).toEqual(
      versions(5).filter((version) => kind.name === 'nats' || version !== 4),
    );
  });

  it('keeps its stream bounded: the oldest versions go, the order stays', async () => {
    const log = new TestLog();
    const publisher = bus(log, 100);
    for (const notice of log.add(300)) void publisher.publish([notice]);
    await waitFor(async () => (await kind.stream(server.url, deployment)).at(-1) === 300, 10_000, 'version 300 in');

    const kept = await kind.stream(server.url, deployment);
    // Redis trims whole nodes of 100 entries ('MAXLEN ~'), so it may keep up to twice the limit.
    expect(kept.length).toBeGreaterThanOrEqual(100);
    expect(kept.length).toBeLessThanOrEqual(200);
    expect(kept).toEqual(versions(301 - kept.length, 300));
  });

  it('stops promptly and leaves nothing open, also while its server is down', async () => {
    const open = () => {
      const resources = process.getActiveResourcesInfo();
      return {
        sockets: resources.filter((resource) => resource.startsWith('TCP')).length,
        timers: resources.filter((resource) => resource === 'Timeout').length,
      };
    };
    // What earlier tests closed may take a moment to go.
    let before = open();
    await waitFor(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const now = open();
        const settled = now.sockets === before.sockets;
        before = now;
        return settled;
      },
      2000,
      'sockets settling',
    );
    /** Within a second of stop(), sockets and timers are back to what they were before. */
    const closed = async () => {
      const back = () => open().sockets === before.sockets && open().timers <= before.timers;
      await waitFor(back, 1000, 'sockets and timers closed').catch(() => undefined);
      expect(open().sockets).toBe(before.sockets);
      expect(open().timers).toBeLessThanOrEqual(before.timers);
    };
    const log = new TestLog();
    const follower = new TestFollower(log);
    const [publisher, subscriber] = [bus(log), bus(log)];
    await subscriber.start(follower);
    void publisher.publish(log.add(5));
    await waitFor(() => follower.appliedVersion() === 5, 10_000, 'the follower at version 5');
    expect(open().sockets).toBeGreaterThan(before.sockets);
    expect(await msToSettle(Promise.all([publisher.stop(), subscriber.stop()]), 2000)).toBeLessThan(1000);
    await closed();

    // Connected, then the server goes away; and a pair that never reached it.
    const [connected, connectedSubscriber] = [bus(log), bus(log)];
    const connectedFollower = new TestFollower(log);
    await connectedSubscriber.start(connectedFollower);
    void connected.publish(log.add(1));
    await waitFor(() => connectedFollower.appliedVersion() === 6, 10_000, 'the follower at version 6');
    await server.stop();
    try {
      await waitFor(() => connectedFollower.troubles.length > 0, 5_000, 'the subscriber reporting the outage');
      void connected.publish(log.add(1));
      const [late, lateSubscriber] = [bus(log), bus(log)];
      void late.publish(log.add(1));
      const starting = lateSubscriber.start(new TestFollower(log));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const stopping = Promise.all([connected, connectedSubscriber, late, lateSubscriber].map((each) => each.stop()));
      expect(await msToSettle(Promise.all([stopping, starting]), 2000)).toBeLessThan(1000);
      await closed();
    } finally {
      await server.start();
    }
  });
});

describe("the nats revocation bus's stream", () => {
  let server: BusServer;
  beforeAll(async () => {
    server = await BusServer.nats();
  });
  afterAll(() => server.dispose());

  it('is created on first use, on disk, with limits so that it does not grow for ever', async () => {
    const log = new TestLog();
    const publisher = NATS.create(server.url, 'limits', log, () => undefined);
    try {
      void publisher.publish(log.add(1));
      const { config } = await waitForStream(server.url, 'limits');
      expect(config).toEqual(
        expect.objectContaining({
          subjects: ['limits.revocations'],
          storage: 'file',
          retention: 'limits',
          discard: 'old',
          max_age: 3_600_000 * 1_000_000,
          max_msgs: 100_000,
        }),
      );
    } finally {
      await publisher.stop();
    }
  });
});

async function waitForStream(url: string, deployment: string) {
  const look = () =>
    withNats(url, (_, manager) => manager.streams.info(natsStreamOf(deployment).stream).catch(() => null));
  await waitFor(async () => (await look()) !== null, 5000, 'the stream created', 20);
  const info = await look();
  if (!info) throw new Error('the stream went away');
  return info;
}

describe("the redis revocation bus's stream", () => {
  let server: BusServer;
  beforeAll(async () => {
    server = await BusServer.redis();
  });
  afterAll(() => server.dispose());

  it('is reported when it holds entries the bus did not write, instead of every version being dropped', async () => {
    const log = new TestLog();
    const errors: string[] = [];
    const publisher = REDIS.create(server.url, 'foreign', log, (message) => errors.push(message));
    try {
      void publisher.publish(log.add(1));
      await waitFor(async () => (await REDIS.stream(server.url, 'foreign')).length === 1, 5000, 'version 1 in');
      // An id Redis makes up (a timestamp) is past any version: every later one would look old.
      await withRedis(server.url, (redis) => redis.xadd(redisStreamOf('foreign'), '*', 'n', 'someone else'));
      void publisher.publish(log.add(1));
      await waitFor(() => errors.length > 0, 5000, 'an error reported');
      expect(errors[0]).toMatch(/version 2/);
    } finally {
      await publisher.stop();
    }
  });
});
