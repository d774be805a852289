import WebSocket from 'ws';
import { postGraphQL } from '../test/support/graphql-client';
import { claimsOf, mintAccessTokens } from '../test/support/instances';
import { LOGOUT_ALL, REGISTER, REVOKE_TOKEN, type AuthPayloadData } from '../test/support/operations';
import { uniqueEmail, USER_PASSWORD } from '../test/support/test-server';
import { percentile } from '../test/support/wait';
import type { ServerChild } from './server-child';

export interface SocketCutResult {
  revocations: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface FanOutResult {
  sockets: number;
  /** From sending `logoutAll` to the last socket closed with 4403. */
  lastCloseMs: number;
}

export interface IdleSocketsResult {
  sockets: number;
  heapPerSocketBytes: number;
}

const GIVE_UP_MS = 10_000;

/** An authenticated graphql-transport-ws socket, resolved once the server acknowledged it. */
export function openSocket(graphqlUrl: string, token: string): Promise<WebSocket> {
  const socket = new WebSocket(graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket not acknowledged in time')), GIVE_UP_MS);
    socket.on('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })),
    );
    socket.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { type?: string }).type !== 'connection_ack') return;
      clearTimeout(timer);
      resolve(socket);
    });
    socket.on('close', (code) => reject(new Error(`socket closed with ${code} before it was acknowledged`)));
    socket.on('error', reject);
  });
}

const closedWith = (socket: WebSocket): Promise<number> =>
  new Promise((resolve) => socket.once('close', (code) => resolve(code)));

export async function registerUser(server: ServerChild): Promise<AuthPayloadData> {
  const registered = await postGraphQL<{ register: AuthPayloadData }>(server.url, REGISTER, {
    email: uniqueEmail('bench-live'),
    password: USER_PASSWORD,
  });
  if (!registered.data?.register) throw new Error(`bench registration failed: ${registered.text}`);
  return registered.data.register;
}

/**
 * Opens a socket on `b` per token, revokes the token on `a`, and times from `a`'s answer to the
 * socket's 4403 on `b`: how long a revoked subscription outlives its revocation elsewhere.
 */
export async function measureSocketCuts(
  a: ServerChild,
  b: ServerChild,
  adminToken: string,
  count: number,
): Promise<SocketCutResult> {
  const tokens = await mintAccessTokens(a.url, await registerUser(a), count);
  const lagsMs: number[] = [];
  for (const token of tokens) {
    const socket = await openSocket(b.url, token);
    const closed = closedWith(socket);
    const revoked = await postGraphQL(
      a.url,
      REVOKE_TOKEN,
      { input: { jti: claimsOf(token).jti } },
      { token: adminToken },
    );
    const answeredAt = performance.now();
    if (revoked.errors) throw new Error(`revocation on A failed: ${revoked.text}`);
    const code = await closed;
    if (code !== 4403) throw new Error(`the socket on B closed with ${code}, not 4403`);
    lagsMs.push(performance.now() - answeredAt);
  }
  return {
    revocations: lagsMs.length,
    p50Ms: percentile(lagsMs, 50),
    p99Ms: percentile(lagsMs, 99),
    maxMs: Math.max(...lagsMs),
  };
}

/** One user with `count` open sockets signs out everywhere: time until the last one is closed. */
export async function measureFanOut(server: ServerChild, count: number): Promise<FanOutResult> {
  const user = await registerUser(server);
  const sockets = await Promise.all(Array.from({ length: count }, () => openSocket(server.url, user.accessToken)));
  const closes = sockets.map(closedWith);
  const started = performance.now();
  const answer = await postGraphQL(server.url, LOGOUT_ALL, {}, { token: user.accessToken });
  if (answer.errors) throw new Error(`logoutAll failed: ${answer.text}`);
  const codes = await Promise.all(closes);
  const lastCloseMs = performance.now() - started;
  if (codes.some((code) => code !== 4403)) throw new Error('a socket closed with another code than 4403');
  return { sockets: count, lastCloseMs };
}

/**
 * Opens `count` authenticated sockets on `server` and leaves them idle; returns them with the
 * server's heap growth per socket, measured after a full collection before and after.
 */
export async function openIdleSockets(
  server: ServerChild,
  count: number,
): Promise<{ result: IdleSocketsResult; sockets: WebSocket[] }> {
  const perUser = 500;
  const users = await Promise.all(Array.from({ length: Math.ceil(count / perUser) }, () => registerUser(server)));
  const before = await server.heapUsedBytes();
  const sockets: WebSocket[] = [];
  for (let opened = 0; opened < count; opened += 250) {
    const batch = Array.from({ length: Math.min(250, count - opened) }, (_, index) => {
      const user = users[Math.floor((opened + index) / perUser)];
      if (!user) throw new Error('no user for a socket');
      return openSocket(server.url, user.accessToken);
    });
    sockets.push(...(await Promise.all(batch)));
  }
  const after = await server.heapUsedBytes();
  return { result: { sockets: count, heapPerSocketBytes: (after - before) / count }, sockets };
}
