import type { AuthPayloadData } from './operations';
import { startTestServer, type TestServer } from './test-server';

export interface ServerWithAdmin {
  readonly server: TestServer;
  readonly admin: AuthPayloadData;
}

/** For a test file whose tests share one server and its signed-in administrator: started before all, stopped after. */
export function useServerWithAdmin(): ServerWithAdmin {
  let started: { server: TestServer; admin: AuthPayloadData } | undefined;
  beforeAll(async () => {
    const server = await startTestServer();
    started = { server, admin: await server.loginAdmin() };
  });
  afterAll(() => started?.server.stop());
  const current = () => {
    if (!started) throw new Error('the shared server is only there while the tests run');
    return started;
  };
  return {
    get server() {
      return current().server;
    },
    get admin() {
      return current().admin;
    },
  };
}
