import type { RevocationCheckStatus } from '../src/revocation/revocation.check';
import type { ProcessStats } from './process-stats';

/** Messages between the bench and a server it started in a child process. */
export type ServerMessage =
  | { type: 'ready'; port: number; startMs: number; heapUsedBytes: number; mirrorSize: number | null }
  /** `backgroundStatements`: those of `statements` that the reconcile, the key poll, the audit sealer and the mail poll sent. */
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

/** What a verifier process reports of its verifier: `VerifierStatus`, as far as the bench reads it. */
export interface VerifierProcessStatus {
  bytesReceived: number;
  version: number | null;
  reconnects: number;
  held: { jtis: number; users: number; sessions: number; keys: number };
}

/** To a process running @token-warden/verifier (bench/verifier-process.ts). */
export type VerifierCommand =
  | { type: 'start'; issuer: string; clientId: string; clientSecret: string }
  /** Verifies each token once: each must be accepted. */
  | { type: 'accept'; tokens: string[] }
  /** Verifies `token` every millisecond until it is refused as revoked. */
  | { type: 'watch'; token: string }
  /** Times verify() on `known` (tinybench, `benchMs`) and once on each of `fresh`, counting fetch calls. */
  | { type: 'cost'; known: string; fresh: string[]; benchMs: number }
  | { type: 'stop' };

export type VerifierMessage =
  /** Heaps after a full collection, before createVerifier (jose and fetch already loaded) and once it resolved. */
  | {
      type: 'synced';
      syncMs: number;
      /** CPU time the process spent meanwhile, every thread. */
      cpuMs: number;
      heapBeforeBytes: number;
      heapAfterBytes: number;
      status: VerifierProcessStatus;
    }
  | { type: 'accepted'; count: number }
  | { type: 'watching' }
  /** `atMs`: the machine's monotonic clock (`monotonicMs`), comparable between processes. */
  | { type: 'refused'; atMs: number }
  | {
      type: 'cost';
      known: { meanMicros: number; p50Micros: number; p99Micros: number; samples: number };
      fresh: { meanMicros: number; p50Micros: number; p99Micros: number; samples: number };
      /** fetch calls from the first verify() of the measurement to the last, and the verify() calls. */
      fetchCalls: number;
      verifies: number;
      status: VerifierProcessStatus;
    }
  | { type: 'failed'; message: string };

/** To a process holding raw revocation event streams (bench/stream-consumers-process.ts). */
export type ConsumerCommand =
  | { type: 'open'; url: string; authorization: string; count: number }
  /** Times when every stream has received an event containing `needle`. */
  | { type: 'watch'; needle: string }
  | { type: 'close' };

export type ConsumerMessage =
  | { type: 'opened'; count: number }
  | { type: 'watching' }
  /** On the monotonic clock: when the first and the last stream received the needle. */
  | { type: 'seen'; firstAtMs: number; lastAtMs: number }
  | { type: 'failed'; message: string };
