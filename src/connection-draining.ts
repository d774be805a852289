import type { RequestHandler } from 'express';
import type { ServerResponse } from 'node:http';

/**
 * Once shutdown begins, every response still to be written says `Connection: close`, so that
 * clients take their next request to another instance instead of a kept-alive socket here.
 */
export class ConnectionDraining {
  private draining = false;
  private readonly open = new Set<ServerResponse>();

  readonly middleware: RequestHandler = (_req, res, next) => {
    if (this.draining) res.setHeader('connection', 'close');
    else {
      this.open.add(res);
      res.once('close', () => this.open.delete(res));
    }
    next();
  };

  begin(): void {
    this.draining = true;
    for (const res of this.open) if (!res.headersSent) res.setHeader('connection', 'close');
    this.open.clear();
  }
}
