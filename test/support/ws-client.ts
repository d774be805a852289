import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Closed {
  code: number;
  reason: string;
}

export interface LiveSubscription<T> {
  /** Every `next` payload so far. */
  readonly results: Array<{
    data?: T | null;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  }>;
  /** Resolves when the subscription completes or errors. */
  readonly done: Promise<void>;
  /** What the `error` message carried, when the server refused the subscription. */
  readonly refusal: () => Array<{ message: string; extensions?: Record<string, unknown> }> | undefined;
  /** Resolves with the `next` payload number `index` (0-based) once it arrives. */
  nth(index: number): Promise<LiveSubscription<T>['results'][number]>;
}

export interface LiveClient {
  client: Client;
  /** Resolves once the server acknowledged `connection_init`. */
  connected: Promise<void>;
  /** Resolves with the code and reason the socket closed with. */
  closed: Promise<Closed>;
  subscribe<T>(query: string, variables?: Record<string, unknown>): LiveSubscription<T>;
  dispose(): Promise<void>;
}

/** The graphql-ws package's own client, over real WebSockets, never retrying so every close is seen. */
export function connectLive(
  graphqlUrl: string,
  options: { token?: string; origin?: string; connectionParams?: Record<string, unknown> } = {},
): LiveClient {
  let onConnected!: () => void;
  let onClosed!: (closed: Closed) => void;
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const closed = new Promise<Closed>((resolve) => (onClosed = resolve));
  const headers = options.origin === undefined ? undefined : { origin: options.origin };
  const client = createClient({
    url: graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: class extends WebSocket {
      constructor(url: string, protocols: string | string[]) {
        super(url, protocols, { headers });
      }
    },
    lazy: false,
    retryAttempts: 0,
    connectionParams:
      options.connectionParams ?? (options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
    on: {
      connected: () => onConnected(),
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: unknown };
        onClosed({ code, reason: String(reason) });
      },
    },
    onNonLazyError: () => undefined,
  });
  return {
    client,
    connected,
    closed,
    // T is the shape the caller expects; nothing here can check it.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
    subscribe: <T>(query: string, variables: Record<string, unknown> = {}) => {
      const results: LiveSubscription<T>['results'] = [];
      let refusal: ReturnType<LiveSubscription<T>['refusal']>;
      const waiters: Array<() => void> = [];
      const done = new Promise<void>((resolve) => {
        client.subscribe<T>(
          { query, variables },
          {
            next: (value) => {
              results.push(value as LiveSubscription<T>['results'][number]);
              for (const waiter of waiters.splice(0)) waiter();
            },
            error: (error) => {
              if (Array.isArray(error)) refusal = error as typeof refusal;
              resolve();
            },
            complete: () => resolve(),
          },
        );
      });
      const nth = async (index: number) => {
        while (results.length <= index) await new Promise<void>((resolve) => waiters.push(resolve));
        const result = results[index];
        if (!result) throw new Error(`no result ${index}`);
        return result;
      };
      return { results, done, nth, refusal: () => refusal };
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}

/** How long a subscription is given to be registered on the server: graphql-ws acknowledges no `subscribe`. */
const REGISTRATION_MS = 50;

/**
 * A socket authenticated with `token` running one subscription, returned once the server has had
 * time to register it, so that whatever the test does next reaches it.
 */
export async function watch<T>(
  graphqlUrl: string,
  token: string,
  query: string,
): Promise<{ live: LiveClient; events: LiveSubscription<T> }> {
  const live = connectLive(graphqlUrl, { token });
  await live.connected;
  const events = live.subscribe<T>(query);
  await new Promise((resolve) => setTimeout(resolve, REGISTRATION_MS));
  return { live, events };
}
