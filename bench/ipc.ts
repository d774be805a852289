/** Messages between the bench and a server it started in a child process. */
export type ServerMessage =
  | { type: 'ready'; port: number; startMs: number; heapUsedBytes: number; mirrorSize: number | null }
  | { type: 'stats'; statements: number; cpuMicros: number }
  | { type: 'heap'; heapUsedBytes: number }
  | { type: 'failed'; message: string };

export type BenchCommand = { type: 'stats' } | { type: 'heap' } | { type: 'stop' };

export type ProxyMessage = { type: 'listening'; port: number };
