/**
 * Milliseconds on the machine's monotonic clock (CLOCK_MONOTONIC, as process.hrtime reads it): the
 * same clock in every process, so that a time taken in a child compares with one taken here.
 * `performance.now()` counts from each process's own start.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
