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
