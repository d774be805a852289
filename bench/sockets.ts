import { fork } from 'node:child_process';
import { join } from 'node:path';
import WebSocket from 'ws';
import { postGraphQL } from '../test/support/graphql-client';
import { claimsOf, mintAccessTokens } from '../test/support/instances';
import { LOGOUT_ALL, REGISTER, REVOKE_TOKEN, type AuthPayloadData } from '../test/support/operations';
import { uniqueEmail, USER_PASSWORD } from '../test/support/test-server';
import { percentile } from '../test/support/wait';
import type { SocketHolderCommand, SocketHolderMessage } from './ipc';
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

/** Idle sockets held open by a child process, closed by `close`. */
export interface IdleSockets {
  result: IdleSocketsResult;
  close(): void;
}

/** One token per socket, from one user per 500 sockets so that no user reaches the per-user cap. */
export async function idleSocketTokens(server: ServerChild, count: number): Promise<string[]> {
  const perUser = 500;
  const users = await Promise.all(Array.from({ length: Math.ceil(count / perUser) }, () => registerUser(server)));
  return Array.from({ length: count }, (_, index) => users[Math.floor(index / perUser)]?.accessToken ?? '');
}

/**
 * Opens a socket per token on `server` from a process of their own and leaves them idle;
 * measures the server's heap growth per socket, after a full collection before and after.
 */
export async function holdIdleSockets(server: ServerChild, tokens: string[]): Promise<IdleSockets> {
  const before = await server.heapUsedBytes();
  const holder = fork(join(__dirname, 'socket-holder-process.js'), [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const opened = new Promise<void>((resolve, reject) => {
    holder.once('message', (message: SocketHolderMessage) => {
      if (message.type === 'opened') resolve();
      else reject(new Error(`the socket holder failed: ${message.message}`));
    });
    holder.once('exit', (code) => reject(new Error(`the socket holder exited with ${code}`)));
  });
  const command: SocketHolderCommand = { type: 'open', url: server.url, tokens };
  holder.send(command);
  await opened;
  const after = await server.heapUsedBytes();
  return {
    result: { sockets: tokens.length, heapPerSocketBytes: (after - before) / tokens.length },
    close: () => {
      const close: SocketHolderCommand = { type: 'close' };
      holder.send(close);
    },
  };
}
