import { randomUUID } from 'node:crypto';
import { RevocationMirror } from '../src/revocation/revocation.mirror';
import type { RevocationChanges } from '../src/revocation/revocation.notice';
import { revocationOf } from '../src/revocation/revocation.rule';
import { decodeJwtPart } from './support/forge';
import { errorCode } from './support/graphql-client';
import { ME, REVOKE_SESSION, REVOKE_TOKEN, REVOKE_USER_TOKENS, type AuthPayloadData } from './support/operations';
import { useTestServer } from './support/shared-server';

// Three ways to revoke one token: its jti, its session, its user. However many apply and in
// whatever order they were made, the token is refused, with the most specific reason.
type Kind = 'jti' | 'session' | 'user';
const KINDS: Kind[] = ['jti', 'session', 'user'];

/** Every ordered selection of distinct kinds: 3 + 6 + 6 = 15 sequences. */
function orders(kinds: Kind[] = KINDS): Kind[][] {
  return kinds.flatMap((kind) => {
    const rest = kinds.filter((other) => other !== kind);
    return [[kind], ...orders(rest).map((tail) => [kind, ...tail])];
  });
}

const expectedReason = (applied: Kind[]) => KINDS.find((kind) => applied.includes(kind));

it('enumerates all 15 orders', () => {
  expect(orders()).toHaveLength(15);
});

describe('the combining rule, in memory', () => {
  const now = 1_000_000;
  const token = { jti: 'j'.repeat(22), sub: randomUUID(), sid: randomUUID(), issuedAtMs: now - 10, kid: null };
  const change = (kind: Kind): RevocationChanges => ({
    reason: kind,
    jtis: kind === 'jti' ? [[token.jti, now + 60_000]] : [],
    cutoffs: kind === 'user' ? [[token.sub, now - 5]] : [],
    sessions: kind === 'session' ? [[token.sid, now - 5, now + 60_000]] : [],
  });

  it.each(orders().map((order) => [order.join(' → '), order]))('%s', (_name, order) => {
    const mirror = new RevocationMirror();
    for (const kind of order) mirror.apply(change(kind));
    expect(mirror.lookup(token, now)).toEqual({ reason: expectedReason(order) });
    // Applying everything again, backwards, changes nothing: the mirror is order-free.
    for (const kind of [...order].reverse()) mirror.apply(change(kind));
    expect(mirror.lookup(token, now)).toEqual({ reason: expectedReason(order) });
  });

  it('judges each cutoff on its own, at its boundary', () => {
    const session = { cutoffMs: 100, untilMs: 200, reason: 'session' };
    const user = { cutoffMs: 50, reason: 'user' };
    // Issued at a cutoff is revoked; a millisecond after is not.
    expect(revocationOf({ issuedAtMs: 100 }, { session }, 150)).toEqual({ reason: 'session' });
    expect(revocationOf({ issuedAtMs: 101 }, { session }, 150)).toBeNull();
    expect(revocationOf({ issuedAtMs: 50 }, { user }, 150)).toEqual({ reason: 'user' });
    expect(revocationOf({ issuedAtMs: 51 }, { user }, 150)).toBeNull();
    // A later session cutoff does not lift an earlier user cutoff's refusal, nor the reverse.
    expect(revocationOf({ issuedAtMs: 40 }, { session, user }, 150)).toEqual({ reason: 'session' });
    expect(revocationOf({ issuedAtMs: 80 }, { session, user }, 150)).toEqual({ reason: 'session' });
    expect(revocationOf({ issuedAtMs: 40 }, { session: { ...session, cutoffMs: 10 }, user }, 150)).toEqual({
      reason: 'user',
    });
    // A session cutoff lapses when every token it refuses has expired; a user cutoff never does.
    expect(revocationOf({ issuedAtMs: 40 }, { session, user }, 200)).toEqual({ reason: 'user' });
    expect(revocationOf({ issuedAtMs: 60 }, { session }, 200)).toBeNull();
    // An expired blacklist entry gives way to whatever else applies.
    const jti = { untilMs: 120, reason: 'jti' };
    expect(revocationOf({ issuedAtMs: 40 }, { jti, user }, 119)).toEqual({ reason: 'jti' });
    expect(revocationOf({ issuedAtMs: 40 }, { jti, user }, 120)).toEqual({ reason: 'user' });
  });

  it('never applies a cutoff of another session or user', () => {
    const mirror = new RevocationMirror();
    mirror.apply({
      reason: 'other',
      jtis: [['k'.repeat(22), now + 60_000]],
      cutoffs: [[randomUUID(), now]],
      sessions: [[randomUUID(), now, now + 60_000]],
    });
    expect(mirror.lookup(token, now)).toBeNull();
  });

  it('drops lapsed session cutoffs and expired jtis, keeping user cutoffs', () => {
    const mirror = new RevocationMirror();
    for (const kind of KINDS) mirror.apply(change(kind));
    expect(mirror.dropExpired(now + 60_000)).toBe(2);
    expect(mirror.sessionsWithCutoff).toBe(0);
    expect(mirror.lookup(token, now + 60_000)).toEqual({ reason: 'user' });
  });
});

describe.each([['mirror'], ['database']])('the combining rule through the API, REVOCATION_CHECK=%s', (strategy) => {
  const server = useTestServer({ env: { REVOCATION_CHECK: strategy } });
  let admin: AuthPayloadData;
  beforeAll(async () => {
    admin = await server.loginAdmin();
  });

  it.each(orders().map((order) => [order.join(' → '), order]))('%s', async (_name, order) => {
    const user = await server.register();
    const claims = decodeJwtPart(user.accessToken, 1);
    const revoke: Record<Kind, () => Promise<unknown>> = {
      jti: () => server.gql(REVOKE_TOKEN, { input: { jti: claims.jti, reason: 'jti' } }, { token: admin.accessToken }),
      session: () => server.gql(REVOKE_SESSION, { id: claims.sid, reason: 'session' }, { token: admin.accessToken }),
      user: () => server.gql(REVOKE_USER_TOKENS, { userId: claims.sub, reason: 'user' }, { token: admin.accessToken }),
    };
    for (const kind of order) {
      const response = (await revoke[kind]()) as { errors?: unknown };
      expect(response.errors).toBeUndefined();
    }
    const me = await server.gql(ME, {}, { token: user.accessToken });
    expect(errorCode(me)).toBe('TOKEN_REVOKED');
    // Revoking every token of the user ends the session too: revoking it afterwards changes nothing.
    const applied = order.filter((kind, at) => kind !== 'session' || !order.slice(0, at).includes('user'));
    expect(me.errors?.[0]?.extensions?.reason).toBe(expectedReason(applied));
  });
});
