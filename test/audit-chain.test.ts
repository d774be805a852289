import { eq, sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { nextLink } from '../src/audit/audit-chain';
import { AuditChainService } from '../src/audit/audit-chain.service';
import type { Verification } from '../src/audit/audit-chain.verify';
import type { ExportedEvent } from '../src/audit/audit.export';
import type { Database } from '../src/db/database';
import { rawRows } from '../src/db/raw-rows';
import { auditChain, auditEvents } from '../src/db/schema';
import { LOGOUT } from './support/operations';
import { holdInTransaction, openSideConnection } from './support/side-connection';
import { useTestServer } from './support/shared-server';
import { waitFor } from './support/wait';

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

// One server for the file: each tampering is undone after its test, and the chain verifies again.
const server = useTestServer();

const chain = () => server.server.services.auditChain;

/** Some events through the API: registrations, sign-ins, a logout. */
async function writeEvents(): Promise<void> {
  const user = await server.register();
  await server.login(user.user.email, user.password);
  await server.gql(LOGOUT, {}, { token: user.accessToken });
}

async function rowsOf(query: ReturnType<typeof sql>): Promise<Array<Record<string, unknown>>> {
  return rawRows(await server.database.db.execute(query));
}

async function eventIds(db: Database): Promise<number[]> {
  const rows = rawRows<{ id: string | number }>(await db.execute(sql`select id from audit_events order by id`));
  return rows.map((row) => Number(row.id));
}

/** What a superuser can do: the append-only triggers off for one statement. */
async function asSuperuser(statement: ReturnType<typeof sql>): Promise<void> {
  await server.database.db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_events disable trigger user`);
    await tx.execute(sql`alter table audit_chain disable trigger user`);
    await tx.execute(statement);
    await tx.execute(sql`alter table audit_events enable trigger user`);
    await tx.execute(sql`alter table audit_chain enable trigger user`);
  });
}

/** An event id taken by a transaction that rolled back: a gap the sealer waits for, then goes past. */
async function rolledBackEventId(): Promise<number> {
  let taken = 0;
  await server.database.db
    .transaction(async (tx) => {
      const [row] = rawRows<{ id: string | number }>(
        await tx.execute(sql`insert into audit_events (at, action) values (now(), 'LOGGED_IN') returning id`),
      );
      taken = Number(row?.id);
      throw new Error('roll back');
    })
    .catch(() => undefined);
  return taken;
}

async function sealPastGaps(): Promise<void> {
  await chain().seal();
  server.clock.advance(60_000);
  await chain().seal();
}

function expectBroken(outcome: Verification, kind: string, eventId: number | null): void {
  expect(outcome).toMatchObject({ ok: false, kind, eventId });
}

describe('sealing', () => {
  it('seals what requests wrote within seconds, on its own, and the chain verifies', async () => {
    await writeEvents();
    const ids = await eventIds(server.database.db);
    const sealed = async () => {
      const outcome = await chain().verify();
      return outcome.ok && outcome.unsealed === 0;
    };
    await waitFor(sealed, 3000, 'sealed', 50);
    expect(await chain().verify()).toMatchObject({ ok: true, verified: ids.length, unsealed: 0 });
  });

  it('does not seal past an id that may still commit, then goes past one that never did', async () => {
    await writeEvents();
    const gap = await rolledBackEventId();
    await writeEvents();
    await chain().seal();
    const waiting = await chain().verify();
    expect(waiting).toMatchObject({ ok: true, head: { eventId: gap - 1 } });
    expect(waiting.ok && waiting.unsealed).toBeGreaterThan(0);
    await sealPastGaps();
    expect(await chain().verify()).toMatchObject({ ok: true, unsealed: 0 });
  });

  it('two instances sealing at once build one chain', async () => {
    const other = new AuditChainService(server.database.db, server.clock.now, {
      intervalMs: 1000,
      gapGraceMs: 30_000,
      batchSize: 3,
      onGapSkipped: () => undefined,
      onError: (message, error) => {
        throw error;
      },
    });
    for (let round = 0; round < 3; round += 1) {
      await writeEvents();
      await Promise.all([chain().seal(), other.seal(), chain().seal(), other.seal()]);
    }
    await other.seal();
    expect(await chain().verify()).toMatchObject({ ok: true, unsealed: 0 });
  });

  (onPostgres ? it : it.skip)(
    'seals an event that commits after a later one in id order, once it has committed',
    async () => {
      const side = openSideConnection(server.testDatabase);
      try {
        await writeEvents();
        await chain().seal();
        const held = await holdInTransaction(
          side,
          (tx) => tx`insert into audit_events (at, action) values (now(), 'LOGGED_IN')`,
        );
        await writeEvents();
        await chain().seal();
        const before = await chain().verify();
        held.release();
        await held.done;
        await chain().seal();
        const after = await chain().verify();
        expect(after).toMatchObject({ ok: true, unsealed: 0 });
        expect(after.ok && before.ok && after.verified).toBeGreaterThan(before.ok ? before.verified + 1 : 0);
      } finally {
        await side.end();
      }
    },
  );
});

describe('verify finds tampering by a superuser', () => {
  let undo: ReturnType<typeof sql> | null = null;
  beforeEach(async () => {
    await writeEvents();
    await sealPastGaps();
    expect(await chain().verify()).toMatchObject({ ok: true, unsealed: 0 });
  });
  afterEach(async () => {
    if (undo) await asSuperuser(undo);
    undo = null;
    expect(await chain().verify()).toMatchObject({ ok: true });
  });

  /** The last `count` sealed events, oldest first. */
  const lastSealed = async (count: number) => {
    const outcome = await chain().verify();
    const head = outcome.ok ? (outcome.head?.eventId ?? 0) : 0;
    return (await eventIds(server.database.db)).filter((id) => id <= head).slice(-count);
  };

  it('a sealed event changed', async () => {
    const [, event = 0] = await lastSealed(3);
    const [original] = await rowsOf(sql`select reason from audit_events where id = ${event}`);
    await asSuperuser(sql`update audit_events set reason = 'nothing happened' where id = ${event}`);
    undo = sql`update audit_events set reason = ${original?.reason ?? null} where id = ${event}`;
    expectBroken(await chain().verify(), 'changed', event);
  });

  it('a sealed event removed, with or without its link', async () => {
    const [before = 0, event = 0] = await lastSealed(3);
    const [row] = await rowsOf(sql`select * from audit_events where id = ${event}`);
    const [link] = await rowsOf(sql`select * from audit_chain where event_id = ${event}`);
    await asSuperuser(sql`delete from audit_events where id = ${event}`);
    undo = sql`insert into audit_events select * from json_populate_record(null::audit_events, ${JSON.stringify(row)})`;
    expectBroken(await chain().verify(), 'removed', event);

    await asSuperuser(sql`delete from audit_chain where event_id = ${event}`);
    const outcome = await chain().verify();
    expectBroken(outcome, 'removed', null);
    expect(!outcome.ok && outcome.message).toContain(`after event ${before}`);
    await asSuperuser(
      sql`insert into audit_chain select * from json_populate_record(null::audit_chain, ${JSON.stringify(link)})`,
    );
  });

  it('an event inserted with an old id, which the sealer then leaves out', async () => {
    const gap = await rolledBackEventId();
    await writeEvents();
    await sealPastGaps();
    expect(await chain().verify()).toMatchObject({ ok: true });
    // Appending is allowed; the trigger refuses changes only.
    await server.database.db.execute(
      sql`insert into audit_events (id, at, action, reason) values (${gap}, now(), 'USER_UPDATED', 'backdated')`,
    );
    undo = sql`delete from audit_events where id = ${gap}`;
    await chain().seal();
    expectBroken(await chain().verify(), 'inserted', gap);
  });

  it('a changed event whose link was recomputed too', async () => {
    const [event = 0] = await lastSealed(2);
    const { db } = server.database;
    const [row] = await db.select().from(auditEvents).where(eq(auditEvents.id, event));
    const [link] = await db.select().from(auditChain).where(eq(auditChain.eventId, event));
    const [before] = await db
      .select()
      .from(auditChain)
      .where(eq(auditChain.position, (link?.position ?? 0) - 1));
    if (!row || !link || !before) throw new Error('no sealed event to change');
    const forged = nextLink(before.link, { ...row, action: 'LOGGED_OUT' });
    await asSuperuser(sql`update audit_events set action = 'LOGGED_OUT' where id = ${event}`);
    await asSuperuser(sql`update audit_chain set link = ${forged} where event_id = ${event}`);
    undo = sql`with e as (update audit_events set action = ${row.action} where id = ${event})
      update audit_chain set link = ${link.link} where event_id = ${event}`;
    // The next link no longer follows from the forged one.
    const outcome = await chain().verify();
    expect(outcome).toMatchObject({ ok: false, kind: 'changed' });
    expect(!outcome.ok && outcome.eventId).toBeGreaterThan(event);
    expect(!outcome.ok && outcome.message).toContain('or the link before it');
  });
});

describe('export', () => {
  it('gives every event in order with its seal, each link recomputable from the line and the one before', async () => {
    await writeEvents();
    await chain().seal();
    const lines: ExportedEvent[] = [];
    for await (const event of chain().export({})) lines.push(JSON.parse(JSON.stringify(event)) as ExportedEvent);
    expect(lines.map((line) => line.id)).toEqual(await eventIds(server.database.db));
    let previous = '0'.repeat(64);
    for (const line of lines) {
      const { seal, ...event } = line;
      const canonical = JSON.stringify([
        event.id,
        event.at,
        event.action,
        event.actorId,
        event.targetUserId,
        event.targetJti,
        event.targetSessionId,
        event.reason,
      ]);
      expect(seal?.previous).toBe(previous);
      expect(seal?.link).toBe(createHash('sha256').update(`${previous}\n${canonical}`).digest('hex'));
      previous = seal?.link ?? '';
    }
  });

  it('keeps to --since and --until, and shows an unsealed event with no seal', async () => {
    await writeEvents();
    await chain().seal();
    const middle = new Date(server.clock.now() + 10_000);
    server.clock.advance(20_000);
    // Behind a gap, the next events stay unsealed for a while.
    await rolledBackEventId();
    await writeEvents();
    await chain().seal();
    const read = async (range: { since?: Date; until?: Date }) => {
      const lines: ExportedEvent[] = [];
      for await (const event of chain().export(range)) lines.push(event);
      return lines;
    };
    const all = await read({});
    const before = await read({ until: middle });
    const after = await read({ since: middle });
    expect([...before, ...after]).toEqual(all);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((line) => line.seal === null)).toBe(true);
    expect(before.every((line) => line.seal !== null)).toBe(true);
  });
});
