import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { statusLists } from '../src/db/schema';
import { insertList, reserveBlock } from '../src/revocation/status-list.store';
import { decodeJwtPart } from './support/forge';
import { freePort } from './support/free-port';
import { REFRESH, REVOKE_TOKEN, type AuthPayloadData } from './support/operations';
import { aggregatedLists, fetchCheckedList, mustStatusOf, rawGet, setIndices } from './support/status-lists';
import { createTestDatabase } from './support/test-database';
import { startTestServer, type TestServer } from './support/test-server';

const entryOf = (token: string) => {
  const { uri, idx } = mustStatusOf(token);
  return `${uri}#${idx}`;
};

async function mint(server: TestServer, count: number): Promise<string[]> {
  let session: AuthPayloadData = await server.register();
  const tokens = [session.accessToken];
  for (let i = 1; i < count; i += 1) {
    const response = await server.gql<{ refreshToken: AuthPayloadData }>(REFRESH, {
      refreshToken: session.refreshToken,
    });
    if (!response.data) throw new Error(JSON.stringify(response.errors));
    session = response.data.refreshToken;
    tokens.push(session.accessToken);
  }
  return tokens;
}

it('a restart keeps the lists and their bits, and never hands out an index again', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'token-warden-status-restart-'));
  const testDatabase = await createTestDatabase({ pgliteDir: join(dataDir, 'pglite') });
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const options = { testDatabase, dataDir, port, env: { JWT_ALGORITHM: 'ES256', JWT_ISSUER: issuer } };
  const read = (server: TestServer, uri: string) =>
    fetchCheckedList(uri, `${server.baseUrl}/.well-known/jwks.json`, server.clock.now());
  try {
    const first = await startTestServer(options);
    const before = await mint(first, 6);
    const admin = await first.loginAdmin();
    const revoked = before.slice(0, 2);
    for (const token of revoked) {
      const jti = String(decodeJwtPart(token, 1).jti);
      const answer = await first.gql(REVOKE_TOKEN, { input: { jti } }, { token: admin.accessToken });
      expect(answer.errors).toBeUndefined();
    }
    const uri = mustStatusOf(before[0] ?? '').uri;
    const bitsBefore = setIndices((await read(first, uri)).statuses);
    expect(bitsBefore.sort((a, b) => a - b)).toEqual(revoked.map((t) => mustStatusOf(t).idx).sort((a, b) => a - b));
    await first.stop({ drop: false });

    const second = await startTestServer(options);
    try {
      expect(setIndices((await read(second, uri)).statuses)).toEqual(bitsBefore);
      const after = await mint(second, 6);
      const entries = [...before, admin.accessToken, ...after].map(entryOf);
      expect(new Set(entries).size).toBe(entries.length);
      // The herd stays together: the restarted instance draws from the same list.
      expect(after.map((token) => mustStatusOf(token).uri)).toContain(uri);
    } finally {
      await second.stop({ drop: false });
    }
  } finally {
    await testDatabase.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

it('a full list whose tokens have all expired answers 404 and leaves the aggregation', async () => {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const server = await startTestServer({
    port,
    env: { JWT_ALGORITHM: 'ES256', JWT_ISSUER: issuer, ACCESS_TOKEN_TTL: '60' },
  });
  try {
    await server.register();
    // A list of 16 entries, the oldest with room, every one handed out at once: full from the start.
    const now = new Date(server.clock.now());
    const id = 'fullListOf16EntriesAAA';
    const { db } = server.database;
    await insertList(db, { id, size: 16, permutationKey: 'a'.repeat(22) }, new Date(now.getTime() - 86_400_000));
    expect(await reserveBlock(db, 16, now)).toMatchObject({ listId: id, start: 0, end: 16 });
    const uri = `${issuer}/statuslists/${id}`;
    expect((await rawGet(uri)).status).toBe(200);
    const lists = () => aggregatedLists(`${issuer}/statuslists`);
    expect(await lists()).toContain(uri);
    // Past the last block's lease, every token's lifetime and the allowance for skew.
    server.clock.advance((60 + 60 + 60 + 1) * 1000);
    expect(await lists()).not.toContain(uri);
    await server.server.services.statusLists?.settled();
    server.clock.advance(1000);
    expect((await rawGet(uri)).status).toBe(404);
  } finally {
    await server.stop();
  }
});

it('opens a new list when every list is full, and keeps serving the full one', async () => {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const server = await startTestServer({ port, env: { JWT_ALGORITHM: 'ES256', JWT_ISSUER: issuer } });
  try {
    const firstToken = (await server.register()).accessToken;
    const first = mustStatusOf(firstToken).uri;
    await server.database.db.update(statusLists).set({ reserved: sql`${statusLists.size}` });
    // Past the one-minute lease of the blocks the instance holds, so the next token needs a position from the database.
    server.clock.advance(61_000);
    const next = mustStatusOf((await server.register()).accessToken).uri;
    expect(next).not.toBe(first);
    expect(await aggregatedLists(`${issuer}/statuslists`)).toEqual(expect.arrayContaining([first, next]));
    expect((await rawGet(first)).status).toBe(200);
  } finally {
    await server.stop();
  }
});
