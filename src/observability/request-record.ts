import type { IncomingHttpHeaders } from 'node:http';

/**
 * What a record reads of the request it describes: an HTTP request (Express's `ip` included when
 * Express handled it), or the little a WebSocket keeps of its upgrade request.
 */
export interface RequestSource {
  readonly headers: IncomingHttpHeaders;
  readonly ip?: string;
  readonly socket: { readonly remoteAddress?: string };
}

/** What one GraphQL request did, filled in as it goes and reported when it finishes. */
export class RequestRecord {
  /** The operation name the client sent, cut to a loggable length. */
  operationName: string | null = null;
  /** The root field asked for, `multiple` or `none`: a bounded label for the metrics. */
  rootField = 'none';
  /** `ok`, or the `extensions.code` of the first error. */
  outcome: string | null = null;
  userId: string | null = null;
  readonly startedMs = performance.now();

  constructor(
    readonly requestId: string,
    private readonly request: RequestSource,
  ) {}

  /**
   * The client's address: Express's reading under the `trust proxy` setting where Express
   * handled the request, the socket's peer otherwise. Read only by sign-ins, so parsing
   * X-Forwarded-For is left until one asks.
   */
  get clientAddress(): string {
    return this.request.ip ?? this.request.socket.remoteAddress ?? 'unknown';
  }

  /** The User-Agent header, kept with a session started by this request; null when absent. */
  get userAgent(): string | null {
    return this.request.headers['user-agent'] ?? null;
  }
}
