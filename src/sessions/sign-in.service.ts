import { AuditAction } from '../audit/audit-action';
import { recordAudit } from '../audit/audit.trail';
import type { PasswordHasher } from '../auth/passwords';
import { Role } from '../auth/role';
import type { Database } from '../db/database';
import type { UserRow } from '../db/schema';
import { badUserInput, emailNotVerified, ErrorCode, forbidden, mfaRequired, unauthenticated } from '../errors';
import type { RevocationWriter } from '../revocation/revocation.feed';
import { blacklistIssuedToken, revokeSessions } from '../revocation/revocation.writes';
import { checkPasswordShape, MAX_PASSWORD_LENGTH, normalizeEmail } from '../users/credentials';
import type { UserService } from '../users/user.service';
import type { LoginThrottle } from './login-throttle';
import { refreshError } from './refresh-errors';
import { hashRefreshToken, newRefreshToken } from './refresh-token';
import type { SessionRef, SessionTokenIssuer, SessionTokens, SignInOrigin } from './session-tokens';
import { rotateSessionById } from './session.store';
import type { SignedIn, SignInAnnouncer, SignInStarter } from './sign-in.starter';

export const WRONG_CREDENTIALS = 'Invalid email or password.';
const WRONG_CURRENT_PASSWORD = 'The current password is not correct.';

/** What signing in asks of the account mail flows, which live in accounts/ and import this domain. */
export interface AccountMailHooks extends SignInAnnouncer {
  /** In a password change's transaction: reset links mailed before it must not undo it. */
  spendResetLinks(tx: Database, userId: string, now: Date): Promise<void>;
  /** In a password change's transaction: the "your password was changed" notice; whether it was queued. */
  sendPasswordChangedNotice(tx: Database, user: UserRow): Promise<boolean>;
  /** In register's transaction: the new address's verification link. */
  sendVerificationLink(tx: Database, user: UserRow, now: Date): Promise<void>;
  /** In register's transaction: the device that registered is known from then on. */
  registeredFrom(tx: Database, user: UserRow, now: Date, origin: SignInOrigin): Promise<void>;
  /** REQUIRE_VERIFIED_EMAIL: no tokens for an account whose address is not verified. */
  requireVerifiedEmail: boolean;
}

/** A sign-in whose password was right but whose account asks for a second factor. */
export interface SecondFactorChallenge {
  /** Opaque and single use: completeLogin takes it with a code. */
  mfaToken: string;
  methods: readonly string[];
}

/** What signing in asks of the second factors, which live in accounts/factors and import this domain. */
export interface SecondFactorHooks {
  /** In login's transaction, once the password matched: a challenge when the account has a second factor. */
  challenge(tx: Database, user: UserRow, now: Date): Promise<SecondFactorChallenge | null>;
}

/** Proving who one is with a password: registering, signing in, and changing the password. */
export class SignInService {
  constructor(
    private readonly db: Database,
    private readonly users: UserService,
    private readonly writer: RevocationWriter,
    private readonly issuer: SessionTokenIssuer,
    private readonly throttle: LoginThrottle,
    private readonly passwords: PasswordHasher,
    private readonly accountMail: AccountMailHooks,
    private readonly secondFactor: SecondFactorHooks,
    private readonly starter: SignInStarter,
  ) {}

  /**
   * Creates the account and mails its verification link in one transaction. When verified email
   * is required, the account exists once this answers EMAIL_NOT_VERIFIED, but it has no session.
   */
  async register(email: string, password: string, origin: SignInOrigin): Promise<SessionTokens> {
    const account = { email, password, role: Role.USER, emailVerified: false };
    const session = await this.users.insertAccount(account, async (tx, user, now) => {
      await recordAudit(tx, { at: now, action: AuditAction.REGISTERED, actorId: user.id, targetUserId: user.id });
      await this.accountMail.sendVerificationLink(tx, user, now);
      await this.accountMail.registeredFrom(tx, user, now, origin);
      return this.accountMail.requireVerifiedEmail ? null : this.issuer.startSession(tx, user, now, origin);
    });
    this.accountMail.committed();
    if (!session) throw emailNotVerified();
    return session;
  }

  /**
   * Same answer, and about the same time, for an unknown email and for a wrong password. Repeated
   * failures for the email or from the client address are slowed, then refused, by the throttle.
   */
  async login(email: string, password: string, origin: SignInOrigin): Promise<SessionTokens> {
    const normalized = normalizeEmail(email);
    const user = await this.checkPassword(normalized, password, origin.clientAddress, WRONG_CREDENTIALS, () =>
      this.users.findByEmail(normalized),
    );
    const outcome = await this.db.transaction(async (tx) => {
      // Read again under lock: a revocation or a disabling may have landed since the password check.
      const current = await this.users.lockForSession(tx, user.id);
      if (!current || current.disabled) throw forbidden('This account is disabled.');
      // A password change committed since the check: the old password must not open a session.
      if (current.passwordHash !== user.passwordHash) throw unauthenticated(WRONG_CREDENTIALS);
      // Only after the password matched: to anyone without it, this account answers like any other.
      if (this.accountMail.requireVerifiedEmail && !current.emailVerified) throw emailNotVerified();
      const now = this.issuer.now();
      // Returned, not thrown: the challenge's token must commit for completeLogin to find it.
      const challenge = await this.secondFactor.challenge(tx, current, now);
      if (challenge) return { challenge, signedIn: null };
      await recordAudit(tx, { at: now, action: AuditAction.LOGGED_IN, actorId: user.id, targetUserId: user.id });
      return { challenge: null, signedIn: await this.starter.start(tx, current, now, origin) };
    });
    if (outcome.challenge) throw mfaRequired(outcome.challenge.mfaToken, outcome.challenge.methods);
    return this.starter.committed(outcome.signedIn);
  }

  /**
   * The throttled, constant-time password check of a sign-in: the same answer, and about the same
   * time, for an unknown account and for a wrong password.
   */
  private async checkPassword(
    email: string,
    password: string,
    clientAddress: string,
    wrong: string,
    findUser: () => Promise<UserRow | undefined>,
  ): Promise<UserRow> {
    if (password.length > MAX_PASSWORD_LENGTH) throw unauthenticated(wrong);
    const attempt = await this.throttle.begin(email, clientAddress);
    const user = await findUser();
    const passwordOk = await this.passwords.verify(password, user?.passwordHash ?? (await this.passwords.decoyHash()));
    if (!user || !passwordOk) throw unauthenticated(wrong);
    await attempt.succeeded();
    return user;
  }

  /** A signed-in user's password, checked and throttled as a login's is; a wrong one answers `wrong`. */
  async checkOwnPassword(userId: string, password: string, origin: SignInOrigin, wrong: string): Promise<UserRow> {
    const known = await this.users.findById(userId);
    return this.checkPassword(known?.email ?? '', password, origin.clientAddress, wrong, () => Promise.resolve(known));
  }

  /**
   * Checks the current password as a login does, stores the new one, ends every other session of
   * the user and gives the calling session a fresh pair; its old access token is blacklisted.
   */
  async changePassword(
    ref: SessionRef,
    passwords: { current: string; next: string },
    origin: SignInOrigin,
  ): Promise<SessionTokens> {
    checkPasswordShape(passwords.next);
    if (passwords.next === passwords.current) throw badUserInput('The new password must differ from the current one.');
    const user = await this.checkOwnPassword(ref.userId, passwords.current, origin, WRONG_CURRENT_PASSWORD);
    const passwordHash = await this.passwords.hash(passwords.next);
    // Thrown errors roll the whole change back: no new password without the sessions it ends.
    const changed = await this.writer.run(async (revoking): Promise<SignedIn> => {
      const tx = revoking.db;
      const now = this.issuer.now();
      // Compared with the hash just checked: of two changes racing, the second is refused.
      if (!(await this.users.replacePasswordHash(tx, user.id, user.passwordHash, passwordHash))) {
        throw unauthenticated(WRONG_CURRENT_PASSWORD);
      }
      await this.accountMail.spendResetLinks(tx, user.id, now);
      const mailed = await this.accountMail.sendPasswordChangedNotice(tx, user);
      const cause = { now, actorId: user.id, reason: 'password changed' };
      const ended = await revokeSessions(revoking, { userId: user.id, exceptSessionId: ref.sessionId }, cause);
      const nextToken = newRefreshToken();
      const rotated = await rotateSessionById(tx, ref.sessionId, {
        refreshTokenHash: hashRefreshToken(nextToken),
        now,
        expiresAt: this.issuer.refreshExpiry(now),
      });
      if (!rotated) throw refreshError(ErrorCode.TOKEN_REVOKED, 'The session has been ended.');
      await blacklistIssuedToken(revoking, ref.jti, cause);
      await recordAudit(tx, {
        at: now,
        action: AuditAction.PASSWORD_CHANGED,
        actorId: user.id,
        targetUserId: user.id,
        targetSessionId: ref.sessionId,
        reason: `${ended.length} other sessions ended`,
      });
      const current = (await this.users.findById(user.id, tx)) ?? user;
      const access = await this.issuer.issueAccessToken(tx, current, rotated);
      const session = { access, refreshToken: nextToken, refreshExpiresAt: rotated.expiresAt, user: current };
      return { session, mailed };
    });
    if (changed.mailed) this.accountMail.committed();
    return changed.session;
  }
}
