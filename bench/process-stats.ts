import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export interface ProcessStats {
  /** CPU time of the whole process, every thread (the collector's helpers included). */
  cpuMicros: number;
  /** Time the main thread stood still for young-generation collections. */
  minorGcMicros: number;
  /** Time the main thread stood still for full (mark-compact) collections. */
  majorGcMicros: number;
}

/**
 * Starts counting this process's collector pauses; the returned function reads them with the CPU
 * time. A heap held for long (sockets, a large mirror) shows up here before it shows in throughput.
 */
export function trackProcessStats(): () => ProcessStats {
  let minorGcMicros = 0;
  let majorGcMicros = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const micros = entry.duration * 1000;
      const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } };
      if (detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        majorGcMicros += micros;
      } else minorGcMicros += micros;
    }
  }).observe({ entryTypes: ['gc'] });
  return () => {
    const cpu = process.cpuUsage();
    return { cpuMicros: cpu.user + cpu.system, minorGcMicros, majorGcMicros };
  };
}
