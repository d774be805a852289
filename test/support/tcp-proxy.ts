import { connect, createServer, type Server, type Socket } from 'node:net';

export interface ProxyTarget {
  host: string;
  port: number;
}

/** Called for each connection the proxy accepts; returns what sees every chunk its client sends. */
export type ClientWatch = () => (chunk: Buffer) => void;

/** A loopback TCP proxy that a test can cut and restore, slow down or silence, between the service and a peer. */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private cutOff = false;
  private frozen = false;
  port = 0;

  constructor(
    private readonly target: ProxyTarget,
    private readonly delayMs = 0,
    private readonly watch?: ClientWatch,
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  static async start(target: ProxyTarget, delayMs = 0, watch?: ClientWatch): Promise<TcpProxy> {
    const proxy = new TcpProxy(target, delayMs, watch);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    const address = proxy.server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    proxy.port = address.port;
    return proxy;
  }

  private accept(client: Socket): void {
    if (this.cutOff) {
      client.destroy();
      return;
    }
    const upstream = connect(this.target.port, this.target.host);
    const seeClientChunk = this.watch?.();
    // Forward each chunk at once: Nagle's algorithm would add delays of its own.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(from);
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
      from.on('error', () => from.destroy());
      from.on('data', (chunk) => {
        if (this.frozen) return;
        if (from === client) seeClientChunk?.(chunk);
        if (this.delayMs > 0) setTimeout(() => to.write(chunk), this.delayMs);
        else to.write(chunk);
      });
    }
  }

  /** Drops every connection and refuses new ones, like a database that crashed. */
  cut(): void {
    this.cutOff = true;
    for (const socket of this.sockets) socket.destroy();
  }

  /** Keeps every connection open but forwards nothing more either way: a peer that went silent. */
  freeze(): void {
    this.frozen = true;
  }

  /** Refuses new connections but keeps the open ones, as a database does while it shuts down. */
  refuseNew(): void {
    this.cutOff = true;
  }

  restore(): void {
    this.cutOff = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The same database URL, reached through this proxy. */
  route(url: string): string {
    const routed = new URL(url);
    routed.hostname = '127.0.0.1';
    routed.port = String(this.port);
    return routed.toString();
  }
}
