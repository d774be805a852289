/** PostgreSQL's SQLSTATE for a unique-constraint violation, the same from PGlite and postgres.js. */
const UNIQUE_VIOLATION = '23505';

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
}

/** The error and its causes. Duck-typed: errors from node's own sockets may come from another realm. */
function* causeChain(error: unknown): Generator<ErrorLike> {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 10; depth += 1) {
    yield current;
    current = (current as ErrorLike).cause;
  }
}

function sqlState(error: unknown): string | undefined {
  for (const current of causeChain(error)) {
    if (typeof current.code === 'string' && /^[0-9A-Z]{5}$/.test(current.code)) return current.code;
  }
  return undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === UNIQUE_VIOLATION;
}

/** Network errors from node and postgres.js, and the SQLSTATEs of a database that is going or gone. */
const UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '57014', // query_canceled, as by statement_timeout
  '40P01', // deadlock_detected: retrying is the answer
]);

/** True when the database could not serve the request: the client should retry, it did nothing wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const { name, code } of causeChain(error)) {
    if (name === 'TimeoutError') return true;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  }
  return false;
}

/** How a failure involved the database, for the metrics; null when it did not. */
export function databaseErrorKind(error: unknown): 'unavailable' | 'query' | null {
  if (isDatabaseUnavailable(error)) return 'unavailable';
  if (sqlState(error) !== undefined) return 'query';
  for (const { name } of causeChain(error)) if (name === 'DrizzleQueryError') return 'query';
  return null;
}
