/**
 * The rows of a raw `db.execute` result. postgres.js answers with the row array itself, PGlite
 * with an object holding `rows`; Drizzle passes either through untyped.
 */
export function rawRows<TRow extends Record<string, unknown>>(result: unknown): TRow[] {
  // The caller names the columns it selected; the driver gives back exactly those.
  if (Array.isArray(result)) return result as TRow[];
  if (typeof result === 'object' && result !== null && 'rows' in result && Array.isArray(result.rows)) {
    return result.rows as TRow[];
  }
  throw new Error('unexpected raw query result shape');
}
