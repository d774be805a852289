import { AuditAction } from '../audit/audit-action';
import { recordAudit } from '../audit/audit.trail';
import { MAX_TOKEN_LENGTH, type TokenService } from '../auth/tokens';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import type { BlacklistedTokenRow } from '../db/schema';
import { badUserInput } from '../errors';
import { checkUserId } from '../ids';
import { findIssuedToken } from './issued-tokens';
import { purgeExpired, type PurgeCounts } from './cleanup';
import { checkJti, normalizeReason } from './revocation.limits';
import {
  countBlacklistEntries,
  findBlacklistEntry,
  listBlacklistEntries,
  type NewBlacklistEntry,
} from './revocation.store';
import type { RevocationWriter } from './revocation.feed';
import { auditTokenRevocations, blacklistTokens, revokeAllOfUser } from './revocation.writes';

export interface RevokeTokenRequest {
  token?: string | null;
  jti?: string | null;
  reason?: string | null;
}

/** Told of every purge, scheduled or asked for: how it went and what it deleted. */
export type PurgeObserver = (outcome: { ok: true; counts: PurgeCounts } | { ok: false }) => void;

/** An administrator's revocations. */
export class RevocationService {
  constructor(
    private readonly db: Database,
    private readonly writer: RevocationWriter,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly onPurge: PurgeObserver = () => undefined,
  ) {}

  /** Blacklists one access token, named by the token itself or by its jti. Idempotent. */
  async revokeToken(request: RevokeTokenRequest, actorId: string | null): Promise<BlacklistedTokenRow> {
    const hasToken = request.token != null && request.token !== '';
    const hasJti = request.jti != null && request.jti !== '';
    if (hasToken === hasJti) throw badUserInput('Give exactly one of token or jti.');
    const reason = normalizeReason(request.reason, 'revoked by an administrator');
    const now = new Date(this.clock());
    const entry = hasToken
      ? this.entryForToken(request.token as string, reason, actorId)
      : await this.entryForJti(request.jti as string, reason, actorId, now);

    const existing = await findBlacklistEntry(this.db, entry.jti);
    if (existing) return existing;
    // Revoking an expired token changes nothing: it is refused already. Answer without storing.
    if (entry.expiresAt <= now) return { ...entry, createdAt: now };

    return this.writer.run(async (tx) => {
      const [inserted] = await blacklistTokens(tx, [entry], now);
      if (!inserted) return (await findBlacklistEntry(tx.db, entry.jti)) as BlacklistedTokenRow;
      await auditTokenRevocations(tx.db, [inserted], AuditAction.TOKEN_REVOKED);
      return inserted;
    });
  }

  private entryForToken(token: string, reason: string, actorId: string | null): NewBlacklistEntry {
    if (token.length > MAX_TOKEN_LENGTH) throw badUserInput(`token must be at most ${MAX_TOKEN_LENGTH} characters`);
    // Only a token we signed may be blacklisted by value: a forged one would let anyone fill the list.
    const verified = this.tokens.verifyAccessToken(token, { ignoreExpiration: true });
    if (!verified.ok) throw badUserInput('token is not an access token signed by this service');
    const { claims } = verified;
    return {
      jti: claims.jti,
      userId: claims.sub,
      sessionId: claims.sid,
      reason,
      revokedBy: actorId,
      expiresAt: new Date(claims.exp * 1000),
    };
  }

  private async entryForJti(
    jti: string,
    reason: string,
    actorId: string | null,
    now: Date,
  ): Promise<NewBlacklistEntry> {
    const issued = await findIssuedToken(this.db, checkJti(jti));
    // Unknown jti: no token of ours can outlive one access-token lifetime from now.
    const fallbackExpiry = new Date(now.getTime() + this.tokens.accessTokenTtlSeconds * 1000);
    return {
      jti,
      userId: issued?.userId ?? null,
      sessionId: issued?.sessionId ?? null,
      reason,
      revokedBy: actorId,
      expiresAt: issued?.expiresAt ?? fallbackExpiry,
    };
  }

  /** Revokes every token the user holds; returns the cutoff now in force. */
  async revokeUserTokens(userId: string, reason: string | null | undefined, actorId: string | null): Promise<Date> {
    const why = normalizeReason(reason, 'all tokens revoked by an administrator');
    checkUserId(userId, 'userId');
    const now = new Date(this.clock());
    const { cutoff } = await this.writer.run((tx) =>
      revokeAllOfUser(tx, userId, { now, actorId, reason: why }, AuditAction.USER_TOKENS_REVOKED),
    );
    return cutoff;
  }

  /** One page of the blacklist, newest first, with the total the filter matches. */
  async listBlacklisted(
    filter: { userId?: string; includeExpired: boolean },
    page: { limit: number; after?: { createdAt: Date; jti: string } },
  ): Promise<{ rows: BlacklistedTokenRow[]; totalCount: number }> {
    if (filter.userId !== undefined) checkUserId(filter.userId, 'userId');
    const where = { ...filter, now: new Date(this.clock()) };
    const [rows, totalCount] = await Promise.all([
      listBlacklistEntries(this.db, where, page),
      countBlacklistEntries(this.db, where),
    ]);
    return { rows, totalCount };
  }

  /** Deletes expired blacklist entries now; returns how many. */
  async purgeExpiredTokens(actorId: string | null): Promise<PurgeCounts> {
    try {
      const counts = await this.purge(actorId);
      this.onPurge({ ok: true, counts });
      return counts;
    } catch (error) {
      this.onPurge({ ok: false });
      throw error;
    }
  }

  private async purge(actorId: string | null): Promise<PurgeCounts> {
    const now = new Date(this.clock());
    const counts = await purgeExpired(this.db, now, this.tokens.accessTokenTtlSeconds);
    if (actorId !== null || counts.blacklistedTokens > 0) {
      await this.writer.run(async (tx) => {
        // Mirrors drop expired entries by themselves; the notice only lets them free the memory now.
        tx.announce({ reason: null, jtis: [], cutoffs: [], sessions: [], purged: true });
        await recordAudit(tx.db, {
          at: now,
          action: AuditAction.EXPIRED_TOKENS_PURGED,
          actorId,
          reason: `${counts.blacklistedTokens} expired blacklist entries, ${counts.sessions} dead sessions`,
        });
      });
    }
    return counts;
  }
}
