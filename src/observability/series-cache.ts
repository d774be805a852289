/**
 * Objects built once per (operation, outcome) and found again with two map lookups, no allocation:
 * what a request's metrics need on the hot path. Both labels are bounded (a root field of the
 * schema, an error code), so the cache is as bounded as the metrics' own series.
 */
export class SeriesCache<T> {
  private readonly byOperation = new Map<string, Map<string, T>>();

  constructor(private readonly build: (operation: string, outcome: string) => T) {}

  get(operation: string, outcome: string): T {
    let byOutcome = this.byOperation.get(operation);
    if (byOutcome === undefined) {
      byOutcome = new Map();
      this.byOperation.set(operation, byOutcome);
    }
    let series = byOutcome.get(outcome);
    if (series === undefined) {
      series = this.build(operation, outcome);
      byOutcome.set(outcome, series);
    }
    return series;
  }
}
