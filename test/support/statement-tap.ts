import type { PGlite } from '@electric-sql/pglite';
import type { DatabaseHandle } from '../../src/db/client';
import { TcpProxy } from './tcp-proxy';
import type { TestDatabase } from './test-database';
import type { StartOptions } from './test-server';

/** Requests sent before the startup message, which carry no type byte (PostgreSQL protocol 53.7). */
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/** The zero-terminated string at `offset` of a message body, and where the next field starts. */
function cString(body: Buffer, offset: number): { text: string; next: number } {
  const end = body.indexOf(0, offset);
  const stop = end === -1 ? body.length : end;
  return { text: body.toString('utf8', offset, stop), next: stop + 1 };
}

/**
 * Reads what a client sends on one connection and reports each statement it has the server run:
 * a Query message (simple protocol), or an Execute message (extended protocol), named by the
 * text of the statement its portal was bound to.
 */
class FrontendReader {
  private pending: Buffer = Buffer.alloc(0);
  private readonly prepared = new Map<string, string>();
  private readonly portals = new Map<string, string>();

  constructor(
    private readonly onStatement: (text: string) => void,
    private started: boolean,
  ) {}

  push(chunk: Uint8Array): void {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    for (;;) {
      if (!this.started) {
        if (this.pending.length < 8) return;
        const length = this.pending.readInt32BE(0);
        if (this.pending.length < length) return;
        const code = this.pending.readInt32BE(4);
        this.pending = this.pending.subarray(length);
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) this.started = true;
        continue;
      }
      if (this.pending.length < 5) return;
      const length = this.pending.readInt32BE(1);
      if (this.pending.length < 1 + length) return;
      this.read(String.fromCharCode(this.pending[0] ?? 0), this.pending.subarray(5, 1 + length));
      this.pending = this.pending.subarray(1 + length);
    }
  }

  private read(type: string, body: Buffer): void {
    if (type === 'Q') this.onStatement(cString(body, 0).text);
    else if (type === 'P') {
      const name = cString(body, 0);
      this.prepared.set(name.text, cString(body, name.next).text);
    } else if (type === 'B') {
      const portal = cString(body, 0);
      const statement = cString(body, portal.next).text;
      this.portals.set(portal.text, this.prepared.get(statement) ?? `(statement "${statement}", never parsed)`);
    } else if (type === 'E') {
      const portal = cString(body, 0).text;
      this.onStatement(this.portals.get(portal) ?? `(portal "${portal}", never bound)`);
    }
  }
}

/**
 * Every statement a server sends its database, seen where it enters the database: at PGlite's
 * protocol entry point, or in a TCP proxy in front of PostgreSQL, every connection included (the
 * listener's too). Whatever code sent a statement, and however, it is counted here.
 */
export class StatementTap {
  /** The text of every statement sent so far, in order. */
  readonly sent: string[] = [];
  private proxy: TcpProxy | undefined;

  /** Start options for a server whose database is `database`, seen through this tap. */
  async route(database: TestDatabase): Promise<Pick<StartOptions, 'testDatabase' | 'wrapDatabase'>> {
    if (database.target.kind === 'pglite') {
      return { testDatabase: database, wrapDatabase: (handle) => this.tapPglite(handle) };
    }
    const url = new URL(database.target.url);
    this.proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) }, 0, () => {
      const reader = new FrontendReader((text) => this.sent.push(text), false);
      return (chunk) => reader.push(chunk);
    });
    const routed = new URL(this.proxy.route(url.toString()));
    // The tap reads the protocol: it must not be encrypted.
    routed.searchParams.set('sslmode', 'disable');
    return { testDatabase: { target: { kind: 'postgres', url: routed.toString() }, drop: () => database.drop() } };
  }

  async close(): Promise<void> {
    await this.proxy?.close();
  }

  private tapPglite(handle: DatabaseHandle): DatabaseHandle {
    // Drizzle's PGlite client; every query, transaction and LISTEN of PGlite passes execProtocolRawSync.
    const client = (handle.db as unknown as { $client: PGlite }).$client;
    const reader = new FrontendReader((text) => this.sent.push(text), true);
    const send = client.execProtocolRawSync.bind(client);
    client.execProtocolRawSync = (message: Uint8Array) => {
      reader.push(message);
      return send(message);
    };
    return handle;
  }
}
