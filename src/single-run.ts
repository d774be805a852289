/**
 * Runs `work` one at a time. A call made during a run shares the one run queued after it, so every
 * caller waits for a run that started after its call, and a burst of calls costs two runs, not one each.
 */
export class SingleRun<T> {
  private running: Promise<T> | null = null;
  private next: Promise<T> | null = null;

  constructor(private readonly work: () => Promise<T>) {}

  run(): Promise<T> {
    if (this.running === null) {
      this.running = this.work().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    this.next ??= this.running.then(() => {
      this.next = null;
      return this.run();
    });
    return this.next;
  }

  /** Settles once the run under way and the one queued after it have. */
  async settled(): Promise<void> {
    await this.next;
    await this.running;
  }
}
