import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  head: string;
  body: string;
}

/**
 * POSTs a GraphQL body with header lines written byte for byte, which fetch would refuse to send
 * (control characters, raw UTF-8), and reads the answer until the server closes the connection.
 */
export function rawGraphQLPost(port: number, headerLines: Buffer[], body: string): Promise<RawResponse> {
  const request = Buffer.concat([
    Buffer.from(`POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n`),
    ...headerLines.flatMap((line) => [line, Buffer.from('\r\n')]),
    Buffer.from(`Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`),
  ]);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? Number.NaN);
      resolve({ status, head, body: rest.join('\r\n\r\n') });
    });
  });
}

/** Whether a TCP connection to `port` is accepted (then closed at once without a request). */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * How a request fared: answered; refused (the connection was); not taken (the connection ended
 * before the server said 100 Continue, so the body, the operation itself, was never sent); or
 * cut (the body was sent and no complete answer came back).
 */
export type Delivery =
  | { kind: 'answered'; status: number; body: string }
  | { kind: 'refused' }
  | { kind: 'not taken'; error: string }
  | { kind: 'cut'; error: string };

const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

/** The body of a complete HTTP/1.1 answer, its chunks joined; undefined while it is incomplete. */
function completeBody(head: string, rest: Buffer): string | undefined {
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
  if (length !== undefined) return rest.length >= Number(length) ? rest.toString('utf8', 0, Number(length)) : undefined;
  if (!/\r\ntransfer-encoding: *chunked/i.test(head)) return rest.toString('utf8');
  const chunks: Buffer[] = [];
  for (let at = 0; ; ) {
    const lineEnd = rest.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = parseInt(rest.toString('latin1', at, lineEnd), 16);
    if (size === 0) return Buffer.concat(chunks).toString('utf8');
    if (Number.isNaN(size) || rest.length < lineEnd + 2 + size) return undefined;
    chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 4 + size;
  }
}

/**
 * POSTs a GraphQL body on a connection of its own, never a kept-alive one, and says how it fared.
 * The head asks `Expect: 100-continue`, so that the body goes out only once the server has taken
 * the request, and then only once `holdUntil` has resolved. The body ends the client's sending
 * (a half-close, as a client that has nothing more to say may do); the answer must still come.
 */
export function postOnNewConnection(
  port: number,
  body: string,
  options: { token?: string; holdUntil?: Promise<void>; onTaken?: () => void } = {},
): Promise<Delivery> {
  const { token, holdUntil = Promise.resolve(), onTaken } = options;
  const authorization = token === undefined ? '' : `Authorization: Bearer ${token}\r\n`;
  const head =
    `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n${authorization}` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`;
  return new Promise((resolve) => {
    let connected = false;
    let bodySent = false;
    let taken = false;
    let failure: NodeJS.ErrnoException | undefined;
    let answer = Buffer.alloc(0);
    const socket = connect(port, '127.0.0.1', () => {
      connected = true;
      socket.write(head);
    });
    socket.on('data', (chunk: Buffer) => {
      answer = Buffer.concat([answer, chunk]);
      if (taken || answer.length < CONTINUE.length) return;
      taken = true;
      if (answer.toString('latin1', 0, CONTINUE.length) !== CONTINUE) return;
      answer = answer.subarray(CONTINUE.length);
      onTaken?.();
      void holdUntil.then(() => {
        if (socket.destroyed) return;
        bodySent = true;
        socket.end(body);
      });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => (failure = error));
    socket.on('close', () => {
      const headEnd = answer.indexOf('\r\n\r\n');
      const answerHead = headEnd === -1 ? '' : answer.toString('latin1', 0, headEnd);
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(answerHead)?.[1];
      const answered = headEnd === -1 ? undefined : completeBody(answerHead, answer.subarray(headEnd + 4));
      const error = `${failure?.code ?? 'closed'} after ${answer.length} bytes of answer`;
      if (!connected && failure?.code === 'ECONNREFUSED') resolve({ kind: 'refused' });
      else if (status !== undefined && answered !== undefined) {
        resolve({ kind: 'answered', status: Number(status), body: answered });
      } else resolve(bodySent ? { kind: 'cut', error } : { kind: 'not taken', error });
    });
  });
}
