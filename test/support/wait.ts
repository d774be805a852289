/** Polls until `condition` holds; returns the milliseconds it took, or throws after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  intervalMs = 1,
): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await condition()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * Whether `promise` settles within `ms`. The timer is cleared either way: one left pending holds
 * the jest worker open after its last test, and jest then force-exits it.
 */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Milliseconds until `promise` settles, or Infinity once `limitMs` has passed without it, so that
 * an upper bound fails at the bound instead of at jest's timeout.
 */
export async function msToSettle(promise: Promise<unknown>, limitMs: number): Promise<number> {
  const started = performance.now();
  return (await settlesWithin(promise, limitMs)) ? performance.now() - started : Number.POSITIVE_INFINITY;
}
