import type { AuditAction } from '../audit/audit-action';
import { recordAudit } from '../audit/audit.trail';
import type { Database } from '../db/database';
import type { AccessTokenRow, BlacklistedTokenRow } from '../db/schema';
import { notFound } from '../errors';
import type { RevokingTx } from './revocation.feed';
import { accessTokensIssuedAfter, findIssuedToken } from './issued-tokens';
import { cutSessionTokens, endSessions, raiseTokensValidAfter } from './revocation-cutoffs.store';
import { findBlacklistEntry, insertBlacklistEntries, type NewBlacklistEntry } from './revocation.store';

/**
 * The writes that revoke, each meant to run inside the caller's revoking transaction so that
 * the revocation, its notice to the other instances and its audit event commit together or not
 * at all.
 */

export interface RevocationCause {
  now: Date;
  actorId: string | null;
  reason: string;
}

/** Blacklists the entries not blacklisted yet; returns those newly inserted. */
export async function blacklistTokens(
  tx: RevokingTx,
  entries: NewBlacklistEntry[],
  now: Date,
): Promise<BlacklistedTokenRow[]> {
  const inserted = await insertBlacklistEntries(tx.db, entries, now);
  // One notice per reason and actor: a write usually has a single one.
  const groups = new Map<string, BlacklistedTokenRow[]>();
  for (const row of inserted) {
    const key = JSON.stringify([row.reason, row.revokedBy]);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  for (const [first, ...rest] of groups.values()) {
    if (!first) continue;
    const jtis = [first, ...rest].map((row): [string, number] => [row.jti, row.expiresAt.getTime()]);
    tx.announce({ reason: first.reason, actorId: first.revokedBy, jtis, cutoffs: [], sessions: [] });
  }
  return inserted;
}

/**
 * Ends the user's sessions the filter names and gives each a session cutoff, announced to every
 * instance; returns the ids it ended (none when they had ended already).
 */
export async function revokeSessions(
  tx: RevokingTx,
  filter: { userId: string; sessionId?: string; exceptSessionId?: string },
  cause: RevocationCause,
): Promise<string[]> {
  const ended = await endSessions(tx.db, filter, { at: cause.now, reason: cause.reason });
  const cut: Array<[string, number, number]> = [];
  for (const sessionId of ended) {
    const { cutoff, until } = await cutSessionTokens(tx.db, sessionId, cause.now);
    cut.push([sessionId, cutoff.getTime(), until.getTime()]);
  }
  if (cut.length > 0)
    tx.announce({ reason: cause.reason, actorId: cause.actorId, jtis: [], cutoffs: [], sessions: cut });
  return ended;
}

/** Ends one session: its refresh token stops working and every access token it issued is refused. */
export async function revokeSession(
  tx: RevokingTx,
  session: { userId: string; sessionId: string },
  cause: RevocationCause,
): Promise<boolean> {
  const ended = await revokeSessions(tx, session, cause);
  return ended.length > 0;
}

/** Blacklists the issued token with this jti; returns the rows newly inserted, or null when no token has it. */
export async function blacklistIssuedToken(
  tx: RevokingTx,
  jti: string,
  cause: RevocationCause,
): Promise<BlacklistedTokenRow[] | null> {
  const issued = await findIssuedToken(tx.db, jti);
  if (!issued) return null;
  return blacklistTokens(tx, toBlacklistEntries([issued], cause), cause.now);
}

/**
 * Ends the caller's session, which refuses every access token it issued, and blacklists the
 * caller's own token so that the answer names it.
 */
export async function revokeOwnSession(
  tx: RevokingTx,
  ref: { userId: string; sessionId: string; jti: string },
  cause: RevocationCause,
  action: AuditAction,
): Promise<BlacklistedTokenRow> {
  await revokeSession(tx, ref, cause);
  const revoked = await blacklistIssuedToken(tx, ref.jti, cause);
  if (!revoked) throw new Error(`access token ${ref.jti} has no issue record`);
  await auditTokenRevocations(tx.db, revoked, action);
  const own = revoked[0] ?? (await findBlacklistEntry(tx.db, ref.jti));
  if (!own) throw new Error(`access token ${ref.jti} was not blacklisted`);
  return own;
}

export function toBlacklistEntries(tokens: AccessTokenRow[], cause: RevocationCause): NewBlacklistEntry[] {
  return tokens.map((token) => ({
    jti: token.jti,
    userId: token.userId,
    sessionId: token.sessionId,
    reason: cause.reason,
    revokedBy: cause.actorId,
    expiresAt: token.expiresAt,
  }));
}

/** Revokes every token the user holds now, by cutoff, and ends all their sessions; NOT_FOUND for no such user. */
export async function revokeAllOfUser(
  tx: RevokingTx,
  userId: string,
  cause: RevocationCause,
  action: AuditAction,
): Promise<{ cutoff: Date; sessionsEnded: number }> {
  const cutoff = await raiseTokensValidAfter(tx.db, userId, cause.now, cause.reason);
  if (!cutoff) throw notFound(`No user with id ${userId}.`);
  tx.announce({
    reason: cause.reason,
    actorId: cause.actorId,
    jtis: [],
    cutoffs: [[userId, cutoff.getTime()]],
    sessions: [],
  });
  const ended = await endSessions(tx.db, { userId }, { at: cause.now, reason: cause.reason });
  // A refresh that held a session while this transaction waited for it has committed a token
  // stamped after the cutoff. Ending its session does not refuse that token; blacklisting does.
  const issuedMeanwhile = await accessTokensIssuedAfter(tx.db, ended, cutoff, cause.now);
  const blacklisted = await blacklistTokens(tx, toBlacklistEntries(issuedMeanwhile, cause), cause.now);
  await auditTokenRevocations(tx.db, blacklisted, action);
  await recordAudit(tx.db, {
    at: cause.now,
    action,
    actorId: cause.actorId,
    targetUserId: userId,
    reason: cause.reason,
  });
  return { cutoff, sessionsEnded: ended.length };
}

export async function auditTokenRevocations(
  tx: Database,
  rows: BlacklistedTokenRow[],
  action: AuditAction,
): Promise<void> {
  await recordAudit(
    tx,
    ...rows.map((row) => ({
      at: row.createdAt,
      action,
      actorId: row.revokedBy,
      targetUserId: row.userId,
      targetJti: row.jti,
      reason: row.reason,
    })),
  );
}
