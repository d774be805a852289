import { Instances } from './instances';
import { standIn } from './shared-server';
import { TcpProxy } from './tcp-proxy';
import type { StartOptions, TestServer } from './test-server';

export interface InstancesInUse<Servers extends readonly TestServer[] = TestServer[]> {
  /** For starting more instances on the same database within a test. */
  readonly instances: Instances;
  /** One per entry of the options given, started in that order. */
  readonly servers: Servers;
}

/** An instance's options, or a function giving them once the database exists (to route to it through a proxy). */
export type InstanceOptions = StartOptions | ((instances: Instances) => StartOptions | Promise<StartOptions>);

/**
 * For a test file on several instances of one database: the database and one instance per entry of
 * `options`, started in order before all the tests; every instance stopped and the database dropped after.
 */
export function useInstances<const Options extends readonly InstanceOptions[]>(
  ...options: Options
): InstancesInUse<{ [Index in keyof Options]: TestServer }> {
  let created: Instances | undefined;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    const instances = await Instances.create();
    created = instances;
    for (const each of options) {
      servers.push(await instances.start(typeof each === 'function' ? await each(instances) : each));
    }
  });
  afterAll(() => created?.stopAll());
  return {
    instances: standIn(() => current(created)),
    servers: options.map((_, index) => standIn(() => current(servers[index]))) as {
      [Index in keyof Options]: TestServer;
    },
  };
}

/**
 * One instance reaching its database through a proxy that the tests cut, freeze and restore
 * (PostgreSQL only): the proxy is restored before the instance stops, and closed after.
 */
export function useInstanceBehindProxy(
  options: Omit<StartOptions, 'testDatabase'> = {},
): InstancesInUse<readonly [TestServer]> & { readonly proxy: TcpProxy } {
  let proxy: TcpProxy | undefined;
  afterAll(() => proxy?.restore());
  const inUse = useInstances(async (instances) => {
    if (instances.database.target.kind !== 'postgres') throw new Error('needs PostgreSQL');
    const url = new URL(instances.database.target.url);
    const started = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    proxy = started;
    const target = { kind: 'postgres', url: started.route(url.toString()) } as const;
    return { ...options, testDatabase: { target, drop: () => Promise.resolve() } };
  });
  afterAll(() => proxy?.close());
  return { ...inUse, proxy: standIn(() => current(proxy)) };
}

function current<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the instances are only there while the tests run');
  return value;
}
