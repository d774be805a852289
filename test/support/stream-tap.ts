import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** One revocation event stream that went through the tap. */
export interface TappedStream {
  lastEventId: string | null;
  /** Body bytes the service sent on it. */
  bytes: number;
}

/**
 * An HTTP hop between a consumer and the service that forwards everything as it is (Host header
 * included, so the service's metadata names the tap), and that a test can turn into a bad network
 * or a bad stream: cut a stream after some bytes, inject text into it, or go down altogether.
 */
export class StreamTap {
  readonly streams: TappedStream[] = [];
  private readonly open = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();
  private cutAfterBytes: number | null = null;
  /** TCP connections accepted (or refused while down) so far. */
  connections = 0;
  private down = false;
  port = 0;

  private constructor(
    private readonly target: URL,
    private readonly server: Server,
  ) {}

  static async start(targetBaseUrl: string): Promise<StreamTap> {
    const server = createServer();
    const tap = new StreamTap(new URL(targetBaseUrl), server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => tap.forward(req, res));
    server.on('connection', (socket: Socket) => {
      tap.connections += 1;
      tap.sockets.add(socket);
      socket.once('close', () => tap.sockets.delete(socket));
      if (tap.down) socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the tap has no port');
    tap.port = address.port;
    return tap;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const upstream = request(
      { host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        const isStream = /^text\/event-stream/.test(String(answer.headers['content-type']));
        if (!isStream) {
          answer.pipe(res);
          return;
        }
        const tapped: TappedStream = {
          lastEventId: (req.headers['last-event-id'] as string | undefined) ?? null,
          bytes: 0,
        };
        this.streams.push(tapped);
        this.open.add(res);
        const cutAfter = this.cutAfterBytes;
        this.cutAfterBytes = null;
        res.once('close', () => {
          this.open.delete(res);
          answer.destroy();
        });
        answer.on('data', (chunk: Buffer) => {
          if (cutAfter !== null && tapped.bytes + chunk.length > cutAfter) {
            res.write(chunk.subarray(0, Math.max(0, cutAfter - tapped.bytes)));
            tapped.bytes = cutAfter;
            res.socket?.destroy();
            return;
          }
          tapped.bytes += chunk.length;
          res.write(chunk);
        });
        answer.on('end', () => res.end());
      },
    );
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  }

  /** The next stream is cut after this many body bytes. */
  cutNextStreamAfter(bytes: number): void {
    this.cutAfterBytes = bytes;
  }

  /** Writes raw text into every open stream, as if the service had sent it. */
  inject(text: string): void {
    for (const res of this.open) res.write(text);
  }

  /** Drops every connection and refuses new ones: the service unreachable. */
  goDown(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
  }

  comeBack(): void {
    this.down = false;
  }

  async close(): Promise<void> {
    this.goDown();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
