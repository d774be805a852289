import postgres from 'postgres';

/**
 * Seconds before a dropped pooled connection reconnects: from about 50 ms, doubling, at most 1 s.
 * postgres.js waits up to 20 s by default, and a query handed to that connection waits with it,
 * which would keep the service failing long after the database is back.
 */
const reconnectDelaySeconds = (attempt: number): number => (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** attempt, 1);

/**
 * How PgBouncer refuses a startup parameter it does not pass on; Debian's 1.18 passes only a few
 * (client_encoding, DateStyle, TimeZone, standard_conforming_strings, application_name).
 */
function refusesStartupParameter(error: unknown): boolean {
  return (
    error instanceof postgres.PostgresError &&
    error.code === '08P01' &&
    error.message.startsWith('unsupported startup parameter')
  );
}

export interface PoolOptions {
  /** `statement_timeout` for every connection; 0 sends none. */
  statementTimeoutMs: number;
  /** Called when the server (a transaction pooler) refuses the timeout: the pool then runs without it. */
  onStatementTimeoutRefused?: () => void;
}

/**
 * The pool every query goes through, ready for a transaction pooler at `url`: no named prepared
 * statements (a pooler hands the next transaction another server connection, where they do not
 * exist) and nothing kept in the session. Connects once, to learn whether the server takes the
 * statement timeout as a startup parameter.
 */
export async function openPostgresPool(url: string, options: PoolOptions): Promise<postgres.Sql> {
  const base = { onnotice: () => undefined, max: 10, backoff: reconnectDelaySeconds, prepare: false };
  if (options.statementTimeoutMs === 0) return postgres(url, base);
  const sql = postgres(url, { ...base, connection: { statement_timeout: options.statementTimeoutMs } });
  try {
    await sql`select 1`;
    return sql;
  } catch (error) {
    await sql.end({ timeout: 1 });
    if (!refusesStartupParameter(error)) throw error;
  }
  // A session-level SET would be no better: behind a transaction pooler it reaches whichever
  // server connection runs it, and stays there for other clients.
  options.onStatementTimeoutRefused?.();
  return postgres(url, base);
}
