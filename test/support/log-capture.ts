import type { DestinationStream } from 'pino';

/** A log destination that keeps every line, for tests that read what the service wrote. */
export class LogCapture implements DestinationStream {
  readonly lines: string[] = [];

  write(line: string): void {
    this.lines.push(line);
  }

  /** Each line parsed as the JSON object pino wrote. */
  entries(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
