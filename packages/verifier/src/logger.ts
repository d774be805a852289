/** Where the verifier reports connections, reconnects and trouble. Any of the methods may be left out. */
export interface VerifierLogger {
  info?(message: string, details?: Record<string, unknown>): void;
  warn?(message: string, details?: Record<string, unknown>): void;
  error?(message: string, details?: Record<string, unknown>): void;
}

/** The default: the verifier says nothing unless the service asks it to. */
export const silentLogger: VerifierLogger = {};
