import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * Milliseconds since the epoch, exact for our millisecond-precision columns; null stays null.
 * `date_part` is float arithmetic; `extract` is numeric and cost PGlite 1.4 s per million rows.
 */
export const epochMs = (column: PgColumn): SQL<number> =>
  sql<number>`round(date_part('epoch', ${column}) * 1000)`.mapWith(Number);

/** The same, typed for a union where some branches select null instead. */
export const epochMsOrNull = (column: PgColumn): SQL<number | null> => epochMs(column);
