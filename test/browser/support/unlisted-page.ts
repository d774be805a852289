import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UnlistedPage {
  port: number;
  close(): Promise<void>;
}

/**
 * An empty page for origins the API does not list: `http://127.0.0.1:<port>` (same site as the
 * API, another origin) and `http://localhost:<port>` (another site altogether).
 */
export async function serveUnlistedPage(): Promise<UnlistedPage> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Another origin</title><p>Not a listed origin.</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
