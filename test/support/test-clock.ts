import type { Clock } from '../../src/clock';

/** Real time by default; a test may move it forward or stop it at one millisecond. */
export class TestClock {
  private offsetMs = 0;
  private frozenAtMs: number | null = null;

  readonly now: Clock = () => this.frozenAtMs ?? Date.now() + this.offsetMs;

  advance(ms: number): void {
    if (this.frozenAtMs === null) this.offsetMs += ms;
    else this.frozenAtMs += ms;
  }

  freeze(): number {
    this.frozenAtMs = this.now();
    return this.frozenAtMs;
  }

  thaw(): void {
    if (this.frozenAtMs !== null) this.offsetMs = this.frozenAtMs - Date.now();
    this.frozenAtMs = null;
  }
}
