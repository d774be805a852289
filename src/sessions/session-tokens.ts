import { byPassword, type Authentication } from '../auth/authentication';
import type { IssuedAccessToken, StatusClaimEntry, TokenService } from '../auth/tokens';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { ErrorCode } from '../errors';
import type { SessionRow, UserRow } from '../db/schema';
import { recordIssuedToken } from '../revocation/issued-tokens';
import { hashRefreshToken, newRefreshToken } from './refresh-token';
import { refreshError } from './refresh-errors';
import { insertSession, rotateSessionById, setSessionAuthentication } from './session.store';

export interface SessionTokens {
  access: IssuedAccessToken;
  refreshToken: string;
  /** When the refresh token lapses unless it is rotated first. */
  refreshExpiresAt: Date;
  user: UserRow;
}

export interface SessionPolicy {
  refreshTokenTtlSeconds: number;
  refreshReuseGraceSeconds: number;
}

/** Where a sign-in came from, kept with its session. Read lazily: a request record fits. */
export interface SignInOrigin {
  readonly clientAddress: string;
  readonly userAgent: string | null;
}

/** The identity of a verified access token, as the resolvers see it. */
export interface SessionRef {
  userId: string;
  sessionId: string;
  jti: string;
}

export const MAX_USER_AGENT_LENGTH = 200;

/** The parts of a session row an access token is issued from. */
export type IssuingSession = Pick<SessionRow, 'id' | 'authTime' | 'amr'>;

/** The User-Agent as a sign-in keeps it: cut, so that a client cannot fill rows with it. */
export const signInUserAgent = (origin: SignInOrigin): string | null =>
  origin.userAgent ? origin.userAgent.slice(0, MAX_USER_AGENT_LENGTH) : null;

/** Where ES256 tokens get their status list entry; absent with STATUS_LIST=off. */
export interface StatusEntries {
  allocate(tx: Database): Promise<StatusClaimEntry>;
}

/** Issues a session's tokens: the session row and first pair at sign-in, a new access token at each rotation. */
export class SessionTokenIssuer {
  constructor(
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly policy: SessionPolicy,
    private readonly statusEntries: StatusEntries | null = null,
  ) {}

  get reuseGraceMs(): number {
    return this.policy.refreshReuseGraceSeconds * 1000;
  }

  now(): Date {
    return new Date(this.clock());
  }

  async startSession(
    tx: Database,
    user: UserRow,
    now: Date,
    origin: SignInOrigin,
    authentication: Authentication = byPassword(now),
  ): Promise<SessionTokens> {
    const refreshToken = newRefreshToken();
    const session = await insertSession(tx, {
      userId: user.id,
      refreshTokenHash: hashRefreshToken(refreshToken),
      createdAt: now,
      expiresAt: this.refreshExpiry(now),
      userAgent: signInUserAgent(origin),
      ipAddress: origin.clientAddress,
      authTime: authentication.at,
      amr: [...authentication.methods],
    });
    const access = await this.issueAccessToken(tx, user, session);
    return { access, refreshToken, refreshExpiresAt: session.expiresAt, user };
  }

  /**
   * A step-up in a live session: records how its user just proved who they are and gives it a
   * fresh pair, as a rotation does; TOKEN_REVOKED when the session has ended meanwhile.
   */
  async reauthenticate(
    tx: Database,
    user: UserRow,
    sessionId: string,
    authentication: Authentication,
  ): Promise<SessionTokens> {
    const now = this.now();
    const refreshToken = newRefreshToken();
    const rotated = await rotateSessionById(tx, sessionId, {
      refreshTokenHash: hashRefreshToken(refreshToken),
      now,
      expiresAt: this.refreshExpiry(now),
    });
    const session =
      rotated &&
      (await setSessionAuthentication(tx, rotated.id, {
        authTime: authentication.at,
        amr: [...authentication.methods],
      }));
    if (!session || session.userId !== user.id) {
      throw refreshError(ErrorCode.TOKEN_REVOKED, 'The session has been ended.');
    }
    const access = await this.issueAccessToken(tx, user, session);
    return { access, refreshToken, refreshExpiresAt: session.expiresAt, user };
  }

  refreshExpiry(now: Date): Date {
    return new Date(now.getTime() + this.policy.refreshTokenTtlSeconds * 1000);
  }

  /** A new access token for `session`, carrying how its user last authenticated. */
  async issueAccessToken(tx: Database, user: UserRow, session: IssuingSession): Promise<IssuedAccessToken> {
    const sessionId = session.id;
    const entry = this.statusEntries && this.tokens.signsWithStatus() ? await this.statusEntries.allocate(tx) : null;
    const access = this.tokens.signAccessToken(
      {
        userId: user.id,
        role: user.role,
        sessionId,
        authentication: { at: session.authTime, methods: session.amr },
      },
      user.tokensValidAfter,
      entry,
    );
    await recordIssuedToken(tx, {
      jti: access.jti,
      sessionId,
      userId: user.id,
      issuedAt: access.issuedAt,
      expiresAt: access.expiresAt,
      kid: access.kid,
      statusListId: access.status?.listId ?? null,
      statusIdx: access.status?.idx ?? null,
    });
    return access;
  }
}
