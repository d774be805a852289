import { resolve } from 'node:path';
import { ConfigError, integer, optionalUrl, text, type Env } from './env';

export interface DatabaseConfig {
  /** Unset: the embedded PGlite database under `dataDir`. May be a transaction pooler's URL. */
  databaseUrl: string | undefined;
  /**
   * A direct connection to the same database, for what needs a session of its own: LISTEN and
   * the migrations. Unset: those use `databaseUrl` too.
   */
  databaseDirectUrl: string | undefined;
  /** PostgreSQL only: a statement running longer is cancelled; 0 lets statements run for ever. */
  databaseStatementTimeoutMs: number;
  /** The embedded database and, in development, the generated secret live here. */
  dataDir: string;
}

const POSTGRES_SCHEMES = ['postgres:', 'postgresql:'];

export function databaseConfig(env: Env): DatabaseConfig {
  const databaseUrl = optionalUrl(env, 'DATABASE_URL', POSTGRES_SCHEMES);
  const databaseDirectUrl = optionalUrl(env, 'DATABASE_DIRECT_URL', POSTGRES_SCHEMES);
  if (databaseDirectUrl !== undefined && databaseUrl === undefined) {
    throw new ConfigError('DATABASE_DIRECT_URL', 'needs DATABASE_URL: the embedded database has no direct connection');
  }
  return {
    databaseUrl,
    databaseDirectUrl,
    databaseStatementTimeoutMs: integer(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 5000, 0, 600_000),
    dataDir: resolve(text(env, 'DATA_DIR', './.data')),
  };
}
