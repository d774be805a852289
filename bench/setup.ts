import { openDatabase } from '../src/db/client';
import { targetOf, type BenchDatabase, type Fleet } from './fleet';
import type { ServerChild } from './server-child';
import { seedRevocations } from './seed';
import type { Configuration } from './throughput';
import { revokedToken, signIn } from './tokens';

export type DatabaseKind = 'embedded' | 'postgres';

/** Run order within a database: the configurations the targets compare sit next to each other. */
const RUN_ORDER = [
  'bare',
  'baseline',
  'mirror',
  'me',
  'mirror-idle-sockets',
  'mirror-scale',
  'mirror-slow-db',
  'revoked',
  'database',
  'database-scale',
  'database-slow-db',
];

export function inRunOrder(configurations: Configuration[]): Configuration[] {
  const rank = (configuration: Configuration) =>
    (configuration.database === 'embedded' ? 0 : RUN_ORDER.length) +
    RUN_ORDER.indexOf(configuration.id.slice(configuration.database.length + 1));
  return [...configurations].sort((a, b) => rank(a) - rank(b));
}

/** The two strategies side by side on one kind of database, with the baseline and the rejection path. */
export interface StrategyPair {
  kind: DatabaseKind;
  mirror: ServerChild;
  database: ServerChild;
  configurations: Configuration[];
  /** The PostgreSQL database they share; embedded servers each have their own. */
  shared: BenchDatabase | undefined;
}

/** `database` with the service's migrations applied, before any server starts on it. */
export async function migrated(database: BenchDatabase): Promise<BenchDatabase> {
  const handle = await openDatabase(targetOf(database));
  try {
    await handle.migrate();
  } finally {
    await handle.close();
  }
  return database;
}

function configuration(
  id: string,
  label: string,
  kind: DatabaseKind,
  server: ServerChild,
  token: string | undefined,
): Configuration {
  return {
    id: `${kind}/${id}`,
    label,
    database: kind,
    server,
    url: server.url,
    token,
    expectStatus: id === 'revoked' ? 401 : 200,
    baselineId: `${kind}/baseline`,
    authenticated: token !== undefined,
  };
}

/** A configuration whose requests carry a fresh access token of the bench's administrator. */
async function signedIn(fleet: Fleet, id: string, label: string, kind: DatabaseKind, server: ServerChild) {
  return configuration(id, label, kind, server, (await signIn(server, fleet.adminPassword)).accessToken);
}

/**
 * A server for each strategy. `together` starts them at once; otherwise the mirror starts alone,
 * so that its load time is not shared with the other's start.
 */
async function startBoth(
  fleet: Fleet,
  names: [string, string],
  databases: [BenchDatabase, BenchDatabase],
  together: boolean,
): Promise<[ServerChild, ServerChild]> {
  if (together) {
    return Promise.all([
      fleet.startServer(names[0], databases[0], 'mirror'),
      fleet.startServer(names[1], databases[1], 'database'),
    ]);
  }
  const mirror = await fleet.startServer(names[0], databases[0], 'mirror');
  return [mirror, await fleet.startServer(names[1], databases[1], 'database')];
}

/** `withRevoked` adds the rejection path; it is the same code on either database, so one run of it is enough. */
export async function startStrategyPair(
  fleet: Fleet,
  kind: DatabaseKind,
  withRevoked: boolean,
  postgresUrl?: string,
): Promise<StrategyPair> {
  const shared =
    kind === 'postgres' && postgresUrl ? await migrated(await fleet.postgresDatabase(postgresUrl)) : undefined;
  const [mirror, database] = await startBoth(
    fleet,
    [`${kind}-mirror`, `${kind}-database`],
    shared ? [shared, shared] : [fleet.embeddedDatabase(), fleet.embeddedDatabase()],
    true,
  );
  const mirrorToken = (await signIn(mirror, fleet.adminPassword)).accessToken;
  const databaseToken = (await signIn(database, fleet.adminPassword)).accessToken;
  const revoked = withRevoked ? await revokedToken(mirror, fleet.adminPassword, mirrorToken) : undefined;
  return {
    kind,
    mirror,
    database,
    shared,
    configurations: [
      configuration('baseline', 'Baseline: { __typename }, no token', kind, mirror, undefined),
      configuration('mirror', 'Mirror: valid token', kind, mirror, mirrorToken),
      configuration('database', 'Database: valid token', kind, database, databaseToken),
      ...(revoked === undefined ? [] : [configuration('revoked', 'Revoked token (mirror)', kind, mirror, revoked)]),
    ],
  };
}

export interface ScaleSetup {
  seedMs: number;
  revocations: number;
  mirror: ServerChild;
  configurations: Configuration[];
}

/** Both strategies again, on a database holding `count` active revocations. */
export async function startScalePair(
  fleet: Fleet,
  kind: DatabaseKind,
  count: number,
  postgresUrl?: string,
): Promise<ScaleSetup> {
  const seeded =
    kind === 'postgres' && postgresUrl ? await fleet.postgresDatabase(postgresUrl) : fleet.embeddedDatabase();
  const seedMs = await seedRevocations(seeded, count);
  const second = seeded.kind === 'embedded' ? fleet.embeddedDatabase(seeded) : seeded;
  const [mirror, database] = await startBoth(
    fleet,
    [`${kind}-mirror-scale`, `${kind}-database-scale`],
    [seeded, second],
    false,
  );
  const size = count >= 1_000_000 ? `${count / 1_000_000} M` : `${count / 1000} k`;
  return {
    seedMs,
    revocations: count,
    mirror,
    configurations: [
      await signedIn(fleet, 'mirror-scale', `Mirror, ${size} revocations`, kind, mirror),
      await signedIn(fleet, 'database-scale', `Database, ${size} revocations`, kind, database),
    ],
  };
}

/** Both strategies on PostgreSQL reached through a proxy that delays each direction by `delayMs`. */
export async function startSlowPair(fleet: Fleet, shared: BenchDatabase, delayMs: number): Promise<Configuration[]> {
  if (shared.kind !== 'postgres') throw new Error('the slow-database runs need PostgreSQL');
  const slow: BenchDatabase = { kind: 'postgres', url: await fleet.delayedUrl(shared.url, delayMs) };
  const [mirror, database] = await startBoth(
    fleet,
    ['postgres-mirror-slow', 'postgres-database-slow'],
    [slow, slow],
    true,
  );
  return [
    await signedIn(fleet, 'mirror-slow-db', `Mirror, database +${delayMs} ms each way`, 'postgres', mirror),
    await signedIn(fleet, 'database-slow-db', `Database, database +${delayMs} ms each way`, 'postgres', database),
  ];
}
