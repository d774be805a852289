import type { RevocationCheckStatus } from '../src/revocation/revocation.check';
import type { ProcessStats } from './process-stats';

/** Messages between the bench and a server it started in a child process. */
export type ServerMessage =
  | { type: 'ready'; port: number; startMs: number; heapUsedBytes: number; mirrorSize: number | null }
  /** `backgroundStatements`: those of `statements` that the reconcile, the key poll and the audit sealer sent. */
  | ({ type: 'stats'; statements: number; backgroundStatements: number } & ProcessStats)
  | { type: 'heap'; heapUsedBytes: number }
  /** The revocation check's status: which bus the server follows, in which mode, at which version. */
  | { type: 'status'; status: RevocationCheckStatus }
  | { type: 'failed'; message: string }
  /** The audit sealer's new state, once it is in it. */
  | { type: 'audit-sealing'; on: boolean };

export type BenchCommand =
  | { type: 'stats' }
  | { type: 'heap' }
  | { type: 'status' }
  | { type: 'stop' }
  | { type: 'audit-sealing'; on: boolean };

export type ProxyMessage = { type: 'listening'; port: number };

/** To the process holding idle sockets: one token per socket to open, then close them all. */
export type SocketHolderCommand = { type: 'open'; url: string; tokens: string[] } | { type: 'close' };

export type SocketHolderMessage = { type: 'opened'; count: number } | { type: 'failed'; message: string };
