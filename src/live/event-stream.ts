/**
 * A push-fed async iterator for one subscription. `drained` resolves once the consumer has asked
 * for more after the last value of an ended stream: graphql-ws asks only after it has sent the
 * previous value, so by then every value is on the wire and the socket may be closed.
 */
export class EventStream<T> implements AsyncIterableIterator<T> {
  private readonly queued: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private ended = false;
  private readonly onDrained: Promise<void>;
  private resolveDrained!: () => void;

  constructor(private readonly onClose: () => void = () => undefined) {
    this.onDrained = new Promise((resolve) => {
      this.resolveDrained = resolve;
    });
  }

  get drained(): Promise<void> {
    return this.onDrained;
  }

  push(value: T): void {
    if (this.ended) return;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting({ value, done: false });
    else this.queued.push(value);
  }

  /** No more values; those queued are still delivered. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onClose();
    // A consumer not waiting is still sending the last value; its next call finishes the stream.
    if (this.queued.length === 0 && this.waiting) this.finish();
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.queued.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.ended) {
      this.finish();
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  /** The client completed the subscription or the socket closed. */
  return(): Promise<IteratorResult<T>> {
    this.queued.length = 0;
    this.end();
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ value: undefined, done: true });
    this.resolveDrained();
  }
}
