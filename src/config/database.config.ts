import { resolve } from 'node:path';
import { integer, optionalUrl, text, type Env } from './env';

export interface DatabaseConfig {
  /** Unset: the embedded PGlite database under `dataDir`. */
  databaseUrl: string | undefined;
  /** PostgreSQL only: a statement running longer is cancelled; 0 lets statements run for ever. */
  databaseStatementTimeoutMs: number;
  /** The embedded database and, in development, the generated secret live here. */
  dataDir: string;
}

export function databaseConfig(env: Env): DatabaseConfig {
  return {
    databaseUrl: optionalUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    databaseStatementTimeoutMs: integer(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 5000, 0, 600_000),
    dataDir: resolve(text(env, 'DATA_DIR', './.data')),
  };
}
