// `npm run bench:user-search -- <postgres url>`: one admin email search at 1 M users, on a scratch
// database created on that server and dropped afterwards. Prints the timings and the plans.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase } from '../src/db/client';
import { countUsers, listUsers } from '../src/users/user.store';

const USERS = 1_000_000;
const RUNS = 20;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function main(serverUrl: string): Promise<void> {
  const name = `token_warden_search_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString() });
  const sql = postgres(url.toString(), { max: 1, onnotice: () => undefined });
  try {
    await database.migrate();
    const seeded = performance.now();
    await sql`insert into users (email, password_hash, created_at)
      select 'user-' || lpad(n::text, 7, '0') || '@' || (array['example.com', 'corp.test', 'mail.test'])[1 + n % 3],
             'scrypt$placeholder', now()
      from generate_series(1, ${USERS}) as n`;
    await sql`analyze users`;
    console.log(`seeded ${USERS} users in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

    for (const search of ['0424242', 'user-04242', 'corp.test']) {
      const page = { limit: 51 };
      const list = listUsers(database.db, search, page);
      const counted = countUsers(database.db, search);
      await Promise.all([list, counted]);
      const listMs: number[] = [];
      const pageMs: number[] = [];
      for (let i = 0; i < RUNS; i += 1) {
        listMs.push(await timed(() => listUsers(database.db, search, page)));
        pageMs.push(
          await timed(() => Promise.all([listUsers(database.db, search, page), countUsers(database.db, search)])),
        );
      }
      const [rows, total] = await Promise.all([listUsers(database.db, search, page), countUsers(database.db, search)]);
      console.log(
        `search "${search}": ${total} matches, first page ${rows.length} rows; ` +
          `page alone median ${median(listMs).toFixed(2)} ms, page + totalCount median ${median(pageMs).toFixed(2)} ms`,
      );
      const pattern = `%${search}%`;
      const plan = await sql.unsafe(
        `explain (analyze, buffers) select * from users where email ilike $1 order by email asc limit 51`,
        [pattern],
      );
      for (const row of plan) console.log(`  ${String(Object.values(row)[0])}`);
      const countPlan = await sql.unsafe(`explain (analyze) select count(*) from users where email ilike $1`, [
        pattern,
      ]);
      for (const row of countPlan) console.log(`  ${String(Object.values(row)[0])}`);
    }
  } finally {
    await sql.end();
    await database.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

const serverUrl = process.argv[2];
if (!serverUrl) {
  console.error('usage: npm run bench:user-search -- postgres://user@host:port/db');
  process.exit(2);
}
main(serverUrl).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
