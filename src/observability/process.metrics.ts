import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * prom-client's default metrics (CPU, memory, event loop lag, GC), made once per process: each
 * `collectDefaultMetrics` call starts an event-loop monitor and a GC observer that run as long as
 * the process does, and the library may build several servers in one process. Module state on
 * purpose: what it measures is the process.
 */
let processRegistry: Registry | undefined;

/** Adds the process's metrics to a server's registry: the same metric objects on every server. */
export function registerProcessMetrics(registry: Registry): void {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  for (const { name } of processRegistry.getMetricsAsArray()) {
    const metric = processRegistry.getSingleMetric(name);
    if (metric !== undefined) registry.registerMetric(metric);
  }
}
