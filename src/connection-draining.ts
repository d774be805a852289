import type { ServerResponse } from 'node:http';

/**
 * Once shutdown begins, every response still to be written says `Connection: close`, so that
 * clients take their next request to another instance instead of a kept-alive socket here.
 */
export class ConnectionDraining {
  private draining = false;
  private readonly open = new Set<ServerResponse>();
  /** One listener for every response (`this` is the response), so that tracking one allocates nothing. */
  private readonly forget: (this: ServerResponse) => void;

  constructor() {
    const { open } = this;
    this.forget = function (this: ServerResponse) {
      open.delete(this);
    };
  }

  /** Called for every request before anything else handles it. */
  track(res: ServerResponse): void {
    if (this.draining) res.setHeader('connection', 'close');
    else {
      this.open.add(res);
      res.on('close', this.forget);
    }
  }

  begin(): void {
    this.draining = true;
    for (const res of this.open) if (!res.headersSent) res.setHeader('connection', 'close');
    this.open.clear();
  }
}
