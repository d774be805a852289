import type { AuthPayloadData } from './operations';
import { startTestServer, type StartOptions, type TestServer } from './test-server';

/** Options, or a function giving them once the tests start (for a port or a tracer made in an earlier hook). */
export type LazyOptions<T> = T | (() => T | Promise<T>);

export async function resolveOptions<T>(options: LazyOptions<T>): Promise<T> {
  return typeof options === 'function' ? await (options as () => T | Promise<T>)() : options;
}

/**
 * An object standing for one that exists only while the tests run: every property is read from
 * `current()`, so that it can be handed out when a file or `describe` block is defined.
 */
export function standIn<T extends object>(current: () => T): T {
  return new Proxy({} as T, {
    get: (_target, key) => {
      const target = current();
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * For a test file or `describe` block whose tests share one server on a database of its own:
 * started before all of them, stopped (and its database dropped) after.
 */
export function useTestServer(options: LazyOptions<StartOptions> = {}): TestServer {
  let started: TestServer | undefined;
  beforeAll(async () => {
    started = await startTestServer(await resolveOptions(options));
  });
  afterAll(() => started?.stop());
  return standIn(() => {
    if (!started) throw new Error('the shared server is only there while the tests run');
    return started;
  });
}

export interface ServerWithAdmin {
  readonly server: TestServer;
  readonly admin: AuthPayloadData;
}

/** `useTestServer` with the administrator signed in once for all the tests. */
export function useServerWithAdmin(options: LazyOptions<StartOptions> = {}): ServerWithAdmin {
  const server = useTestServer(options);
  let admin: AuthPayloadData | undefined;
  beforeAll(async () => {
    admin = await server.loginAdmin();
  });
  return {
    server,
    get admin() {
      if (!admin) throw new Error('the administrator is only signed in while the tests run');
      return admin;
    },
  };
}
