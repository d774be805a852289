// Holds many raw revocation event streams in a process of their own: the cheapest consumers there
// are (an HTTP request each, its body searched as text), so that what is measured is the serving
// instance, not the consumers.
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import type { ConsumerCommand, ConsumerMessage } from './ipc';
import { monotonicMs } from './monotonic';

/** Streams opened at once. */
const BATCH = 50;
/** The last page of the state: from there on, the stream is live. */
const STATE_SENT = '"complete":true';

interface Consumer {
  request: ClientRequest;
  /** The end of the last chunk, so that a needle cut between two chunks is still found. */
  tail: string;
  /** When the watched needle arrived; undefined until it did. */
  seenAtMs: number | undefined;
}

const consumers: Consumer[] = [];
let needle: string | undefined;
let unseen = 0;

function send(message: ConsumerMessage): void {
  process.send?.(message);
}

function seen(): void {
  const times = consumers.map((consumer) => consumer.seenAtMs ?? Number.NaN);
  send({ type: 'seen', firstAtMs: Math.min(...times), lastAtMs: Math.max(...times) });
}

function read(consumer: Consumer, chunk: string): void {
  if (needle === undefined || consumer.seenAtMs !== undefined) {
    consumer.tail = chunk.slice(-STATE_SENT.length);
    return;
  }
  const text = consumer.tail + chunk;
  consumer.tail = text.slice(-needle.length);
  if (!text.includes(needle)) return;
  consumer.seenAtMs = monotonicMs();
  unseen -= 1;
  if (unseen === 0) seen();
}

function openOne(url: string, authorization: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const consumer: Consumer = {
      request: request(url, { agent: false, headers: { authorization, accept: 'text/event-stream' } }),
      tail: '',
      seenAtMs: undefined,
    };
    consumer.request.on('error', reject);
    consumer.request.on('response', (response: IncomingMessage) => {
      if (response.statusCode !== 200) {
        reject(new Error(`${url} answered ${response.statusCode}`));
        response.resume();
        return;
      }
      response.setEncoding('utf8');
      let live = false;
      response.on('data', (chunk: string) => {
        if (!live) {
          const text = consumer.tail + chunk;
          consumer.tail = text.slice(-STATE_SENT.length);
          if (text.includes(STATE_SENT)) {
            live = true;
            consumers.push(consumer);
            resolve();
          }
          return;
        }
        read(consumer, chunk);
      });
      response.on('end', () => {
        if (!live) reject(new Error(`${url} ended the stream before the state was sent`));
      });
    });
    consumer.request.end();
  });
}

async function open(url: string, authorization: string, count: number): Promise<void> {
  for (let start = 0; start < count; start += BATCH) {
    await Promise.all(Array.from({ length: Math.min(BATCH, count - start) }, () => openOne(url, authorization)));
  }
  send({ type: 'opened', count: consumers.length });
}

process.on('message', (command: ConsumerCommand) => {
  if (command.type === 'open') {
    open(command.url, command.authorization, command.count).catch((error: unknown) =>
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
    return;
  }
  if (command.type === 'watch') {
    for (const consumer of consumers) consumer.seenAtMs = undefined;
    unseen = consumers.length;
    needle = command.needle;
    send({ type: 'watching' });
    return;
  }
  for (const consumer of consumers) consumer.request.destroy();
  process.exit(0);
});

// The bench is gone (finished or failed): nothing is left to read the streams for.
process.on('disconnect', () => process.exit(0));
