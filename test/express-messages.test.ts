import express from 'express';
import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expressMessageClasses } from '../src/http/express-messages';

interface Seen {
  bornOnExpressRequest: boolean;
  bornOnExpressResponse: boolean;
}

/** An Express app behind a server built with its message classes, noting each request's prototypes before Express sees it. */
async function start(app: express.Express, seen: Seen[]): Promise<{ server: Server; url: string }> {
  const server = createServer(expressMessageClasses(app), (req, res) => {
    seen.push({
      bornOnExpressRequest: Object.getPrototypeOf(req) === app.request,
      bornOnExpressResponse: Object.getPrototypeOf(res) === app.response,
    });
    app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('expressMessageClasses', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  it('makes requests and responses on the app’s Express prototypes, so that Express has none to move', async () => {
    const app = express();
    app.set('trust proxy', true);
    app.use(express.json());
    app.post('/echo', (req, res) => {
      res.status(201).json({
        app: req.app === app,
        header: req.get('x-probe'),
        ip: req.ip,
        body: req.body as unknown,
        isIncomingMessage: req instanceof IncomingMessage,
        isServerResponse: res instanceof ServerResponse,
      });
    });
    const seen: Seen[] = [];
    const started = await start(app, seen);
    server = started.server;

    for (let i = 0; i < 2; i += 1) {
      const answer = await fetch(`${started.url}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-probe': 'yes', 'x-forwarded-for': '203.0.113.9' },
        body: JSON.stringify({ n: i }),
      });
      expect(answer.status).toBe(201);
      expect(await answer.json()).toEqual({
        app: true,
        header: 'yes',
        ip: '203.0.113.9',
        body: { n: i },
        isIncomingMessage: true,
        isServerResponse: true,
      });
    }
    expect(seen).toEqual([
      { bornOnExpressRequest: true, bornOnExpressResponse: true },
      { bornOnExpressRequest: true, bornOnExpressResponse: true },
    ]);
  });

  it('keeps each app’s own prototypes apart', () => {
    const first = express();
    const second = express();
    const firstClasses = expressMessageClasses(first);
    expressMessageClasses(second);
    expect(first.request).toBe(firstClasses.IncomingMessage.prototype);
    expect(second.request).not.toBe(first.request);
    expect((second.request as { app?: unknown }).app).toBe(second);
    expect((first.response as { app?: unknown }).app).toBe(first);
  });
});
