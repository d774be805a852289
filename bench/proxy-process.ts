// The delaying TCP proxy of the slow-database configurations, in a process of its own so that
// its timers never wait behind the load generator.
import { TcpProxy } from '../test/support/tcp-proxy';
import type { ProxyMessage } from './ipc';

const [host = '127.0.0.1', port = '5432', delayMs = '5'] = process.argv.slice(2);

TcpProxy.start({ host, port: Number(port) }, Number(delayMs)).then(
  (proxy) => {
    const message: ProxyMessage = { type: 'listening', port: proxy.port };
    process.send?.(message);
    process.on('disconnect', () => process.exit(0));
  },
  (error: unknown) => {
    console.error('delay proxy failed to start', error);
    process.exit(1);
  },
);
