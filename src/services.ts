import { AuditChainService } from './audit/audit-chain.service';
import { MailService } from './accounts/mail/mail.service';
import { EmailChangeService } from './accounts/email-change.service';
import { EmailVerificationService } from './accounts/email-verification.service';
import { NewSignInService } from './accounts/new-sign-in.service';
import { PasskeyCeremonies } from './accounts/factors/passkey.ceremony';
import { PasskeySignInService } from './accounts/factors/passkey-sign-in.service';
import { PasskeyService } from './accounts/factors/passkey.service';
import { RecoveryService } from './accounts/recovery.service';
import { MfaSignInService } from './accounts/factors/mfa-sign-in.service';
import { secondFactorsOf } from './accounts/factors/second-factors';
import { MfaService } from './accounts/factors/mfa.service';
import { TotpService } from './accounts/factors/totp.service';
import { PasswordHasher } from './auth/passwords';
import type { StepUpPolicy } from './auth/step-up';
import { TokenService } from './auth/tokens';
import type { Clock } from './clock';
import { issuerBaseUrl, type Config } from './config';
import type { Database, DatabaseHandle } from './db/database';
import { RevocationFeedHub } from './live/revocation-feed.hub';
import { SocketRegistry } from './live/socket-registry';
import type { Telemetry } from './observability/telemetry';
import { scheduleCleanup } from './revocation/cleanup';
import { MirrorRevocationCheck } from './revocation/mirror.check';
import { DatabaseRevocationCheck, type RevocationCheck } from './revocation/revocation.check';
import { createRevocationBus } from './revocation/bus/create-bus';
import type { RevocationBus } from './revocation/bus/revocation-bus';
import { LogSequencer } from './revocation/log.sequencer';
import { readLogAfter } from './revocation/revocation-log.store';
import { RevocationWriter } from './revocation/revocation.feed';
import { exportRevocationGauges } from './revocation/revocation.gauges';
import { RevocationService } from './revocation/revocation.service';
import { StatusIndexAllocator } from './revocation/status-list.allocator';
import { StatusListService } from './revocation/status-list.service';
import { KeyRing } from './keys/key-ring';
import { deriveKeyEncryptionKey } from './keys/key-sealing';
import { SigningKeyService } from './keys/signing-key.service';
import { LoginThrottle } from './sessions/login-throttle';
import { ReauthenticationService } from './sessions/reauthentication.service';
import { RefreshService } from './sessions/refresh.service';
import { SessionManagementService } from './sessions/session-management.service';
import { SessionTokenIssuer } from './sessions/session-tokens';
import { SignInService, type AccountMailHooks } from './sessions/sign-in.service';
import { SignInStarter } from './sessions/sign-in.starter';
import { UserService } from './users/user.service';

/** The domain services, built once per process and shared by every request. */
export interface DomainServices {
  db: Database;
  clock: Clock;
  tokens: TokenService;
  /** The signing keys every instance reads from the database; the JWKS publishes them. */
  keyRing: KeyRing;
  revocationCheck: RevocationCheck;
  /** How instances hear of new revocation log versions; stopped with the services. */
  revocationBus: RevocationBus;
  signIn: SignInService;
  /** Stepping up in place: a fresh `auth_time` for the current session. */
  reauthentication: ReauthenticationService;
  /** What `@auth(stepUp: true)` and ADMIN_REQUIRE_MFA check. */
  stepUp: StepUpPolicy;
  refreshTokens: RefreshService;
  sessionManagement: SessionManagementService;
  users: UserService;
  revocations: RevocationService;
  signingKeys: SigningKeyService;
  telemetry: Telemetry;
  loginThrottle: LoginThrottle;
  /** The Token Status Lists; null with STATUS_LIST=off or without an issuer URL to serve them under. */
  statusLists: StatusListService | null;
  /** Seals audit events into their hash chain, verifies and exports it. */
  auditChain: AuditChainService;
  /** The mail outbox and its sender (started only by a server). */
  mail: MailService;
  /** Password reset. */
  recovery: RecoveryService;
  /** Email verification. */
  emailVerification: EmailVerificationService;
  /** Address changes, applied through a verification link. */
  emailChange: EmailChangeService;
  /** Requests for account mail, counted per email and per client address. */
  mailRequestThrottle: LoginThrottle;
  /** Adding, listing and removing passkeys. */
  passkeys: PasskeyService;
  /** Signing in, or stepping up, with a passkey. */
  passkeySignIn: PasskeySignInService;
  /** The WebAuthn challenges under way, purged once expired. */
  passkeyCeremonies: PasskeyCeremonies;
  /** The devices each account signed in from, and the notice of a new one. */
  newSignIn: NewSignInService;
  /** Setting up and turning off an authenticator app, and its recovery codes. */
  totp: TotpService;
  /** The second half of a sign-in on an account with a second factor. */
  mfaSignIn: MfaSignInService;
  /** The account's second factors as a whole: status, and an administrator's reset. */
  mfa: MfaService;
  /** Wrong second-factor codes, counted per user and per client address like failed sign-ins. */
  mfaThrottle: LoginThrottle;
}

/** Everything a resolver may call: the domain services, and what a server adds for live revocation. */
export interface Services extends DomainServices {
  /** Open WebSockets, cut the moment their token is revoked. */
  sockets: SocketRegistry;
  /** The `revocations` subscribers. */
  revocationFeed: RevocationFeedHub;
}

/** The services with their background work, started and stopped in the order they depend on. */
export interface RunningServices {
  services: Services;
  /** Keys first (tokens need a signer), then the revocation state, then the sockets it cuts, then cleanup. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const MIRROR_SWEEP_INTERVAL_MS = 60_000;
/** How often every instance reads the signing keys whatever notices arrive; well below the publish delay. */
export const KEY_POLL_INTERVAL_MS = 5000;
/** How often each instance seals committed audit events: they are sealed within about a second. */
const AUDIT_SEAL_INTERVAL_MS = 1000;
/**
 * How long the sealer waits for a missing audit event id before sealing past it. Longer than any
 * transaction that writes an event runs (each statement stops at DATABASE_STATEMENT_TIMEOUT_MS);
 * an event that commits later still is reported by verify-audit as inserted out of order.
 */
const AUDIT_GAP_GRACE_MS = 30_000;
const AUDIT_SEAL_BATCH = 500;

/** The key ring reads the keys again whenever a notice says they changed, and after a resync. */
function watchKeyChanges(revocationCheck: RevocationCheck, ring: KeyRing, telemetry: Telemetry): void {
  const reload = () =>
    void ring.reload().catch((error: unknown) => telemetry.reportError('signing keys could not be read', error));
  const onChange = (changes: { signingKeysChanged?: boolean }) => {
    if (changes.signingKeysChanged) reload();
  };
  revocationCheck.watch({ notified: onChange, synced: reload });
}

/** How instances learn of revocations: the log every instance appends to, its sequencer, and the bus. */
function createRevocationFlow(config: Config, database: DatabaseHandle, clock: Clock, telemetry: Telemetry) {
  const onError = (message: string, error: unknown) => telemetry.reportError(message, error);
  const readLog = (after: number, limit: number) => readLogAfter(database.db, after, limit);
  const bus = createRevocationBus(config.revocationBus, database, readLog, {
    onError,
    onWarning: (message) => telemetry.logger.warn(message),
  });
  const sequencer = new LogSequencer(database.db, clock, (notices) => bus.publish(notices), onError);
  const direct = new DatabaseRevocationCheck(database.db, clock);
  const revocationCheck: RevocationCheck =
    config.revocationCheck === 'database'
      ? direct
      : new MirrorRevocationCheck(database.db, clock, direct, bus, {
          headCheckIntervalMs: config.logReadIntervalMs,
          pollIntervalMs: config.revocationPollMs,
          maxStalenessMs: config.revocationMaxStalenessMs,
          sweepIntervalMs: MIRROR_SWEEP_INTERVAL_MS,
          readLog,
          sequencePending: () => void sequencer.sequence(),
          onError,
        });
  return { bus, sequencer, revocationCheck };
}

function createWriter(
  config: Config,
  db: Database,
  clock: Clock,
  flow: { sequencer: LogSequencer; revocationCheck: RevocationCheck },
  telemetry: Telemetry,
) {
  const { metrics } = telemetry;
  return new RevocationWriter(db, clock, flow.sequencer, {
    accessTokenTtlSeconds: config.jwt.accessTokenTtlSeconds,
    onCommitted: (changes) => {
      flow.revocationCheck.applyCommitted(changes);
      for (const change of changes) {
        metrics.revocations.inc({ kind: 'token' }, change.jtis.length);
        metrics.revocations.inc({ kind: 'user' }, change.cutoffs.length);
        metrics.revocations.inc({ kind: 'session' }, change.sessions.length);
        metrics.revocations.inc({ kind: 'key' }, change.keys?.length ?? 0);
      }
    },
  });
}

/** Positions reserved per block: one short transaction per this many tokens issued. */
const STATUS_BLOCK_SIZE = 256;
/** A block is given up this long after it was reserved, so that a full list's end of life is known. */
const STATUS_BLOCK_LEASE_MS = 60_000;

function createStatusLists(config: Config, db: Database, clock: Clock, telemetry: Telemetry) {
  const baseUrl = issuerBaseUrl(config.jwt.issuer);
  if (!config.statusList.enabled || baseUrl === null) return null;
  const onError = (message: string, error: unknown) => telemetry.reportError(message, error);
  const allocator = new StatusIndexAllocator(db, clock, {
    listSize: config.statusList.size,
    blockSize: STATUS_BLOCK_SIZE,
    leaseMs: STATUS_BLOCK_LEASE_MS,
    onError,
  });
  return new StatusListService(db, clock, allocator, {
    baseUrl,
    accessTokenTtlSeconds: config.jwt.accessTokenTtlSeconds,
    // Half the ttl: a verifier's copy is never more than one ttl and a half behind.
    rescanIntervalMs: (config.statusList.ttlSeconds * 1000) / 2,
    onError,
  });
}

/** The domain services alone: what the admin CLI runs its commands on. */
export function createDomainServices(
  config: Config,
  database: DatabaseHandle,
  clock: Clock,
  telemetry: Telemetry,
  passwords = new PasswordHasher(),
): DomainServices {
  const { db } = database;
  const { metrics } = telemetry;
  const onError = (message: string, error: unknown) => telemetry.reportError(message, error);
  const kek = deriveKeyEncryptionKey(config.jwt.secret);
  const keyRing = new KeyRing(db, clock, {
    kek,
    accessTokenTtlSeconds: config.jwt.accessTokenTtlSeconds,
    pollIntervalMs: KEY_POLL_INTERVAL_MS,
    onError,
  });
  const tokens = new TokenService(config.jwt, clock, keyRing);
  const flow = createRevocationFlow(config, database, clock, telemetry);
  const { revocationCheck } = flow;
  watchKeyChanges(revocationCheck, keyRing, telemetry);
  exportRevocationGauges(metrics.registry, () => revocationCheck.status());
  const writer = createWriter(config, db, clock, flow, telemetry);
  const loginThrottle = new LoginThrottle(db, clock, config.loginThrottle, (scope) =>
    metrics.loginThrottled.inc({ scope }),
  );
  const users = new UserService(db, writer, clock, passwords);
  const mail = new MailService(config.mail, config.production, db, clock, telemetry);
  const mailRequestThrottle = new LoginThrottle(
    db,
    clock,
    config.mailRequestThrottle,
    (scope) => metrics.mailRequestsThrottled.inc({ scope }),
    { scopes: { email: 'mail-email', address: 'mail-address' }, refusal: 'Too many requests for mail' },
  );
  const recovery = new RecoveryService(db, clock, users, writer, mail, mailRequestThrottle, passwords, {
    passwordResetTtlSeconds: config.passwordResetTtlSeconds,
    passwordResetUrl: config.mail.passwordResetUrl,
  });
  const emailLinks = { ttlSeconds: config.emailVerificationTtlSeconds, pageUrl: config.mail.emailVerificationUrl };
  const emailChange = new EmailChangeService(
    db,
    clock,
    users,
    writer,
    mail,
    { password: loginThrottle, mail: mailRequestThrottle },
    passwords,
    emailLinks,
  );
  const emailVerification = new EmailVerificationService(
    db,
    clock,
    users,
    mail,
    mailRequestThrottle,
    emailChange,
    emailLinks,
  );
  const newSignIn = new NewSignInService(db, clock, mail, {
    enabled: config.notifyNewSignIn,
    appUrl: config.mail.appUrl,
  });
  const statusLists = createStatusLists(config, db, clock, telemetry);
  const issuer = new SessionTokenIssuer(
    tokens,
    clock,
    {
      refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
      refreshReuseGraceSeconds: config.refreshReuseGraceSeconds,
    },
    statusLists,
  );
  const accountMail: AccountMailHooks = {
    spendResetLinks: (tx, userId, now) => recovery.spendResetLinks(tx, userId, now),
    sendPasswordChangedNotice: (tx, user) => recovery.sendPasswordChangedNotice(tx, user.email),
    sendVerificationLink: (tx, user, now) => emailVerification.sendFirstLink(tx, user, now),
    registeredFrom: (tx, user, now, origin) => newSignIn.registered(tx, user, now, origin),
    signedIn: (tx, user, now, origin) => newSignIn.signedIn(tx, user, now, origin),
    committed: () => emailVerification.committed(),
    requireVerifiedEmail: config.requireVerifiedEmail,
  };
  const starter = new SignInStarter(issuer, accountMail);
  const mfaThrottle = new LoginThrottle(
    db,
    clock,
    config.loginThrottle,
    (scope) => metrics.loginThrottled.inc({ scope }),
    { scopes: { email: 'mfa-user', address: 'mfa-address' }, refusal: 'Too many wrong codes' },
  );
  const mfaSignIn = new MfaSignInService(db, clock, users, starter, mfaThrottle, kek);
  const signIn = new SignInService(
    db,
    users,
    writer,
    issuer,
    loginThrottle,
    passwords,
    accountMail,
    mfaSignIn,
    starter,
  );
  const stepUp: StepUpPolicy = {
    maxAgeSeconds: config.stepUpMaxAgeSeconds,
    adminRequireMfa: config.adminRequireMfa,
    hasSecondFactor: async (userId) => (await secondFactorsOf(db, userId)).length > 0,
  };
  const passkeyCeremonies = new PasskeyCeremonies(db, clock, config.webauthn, (why, details) =>
    telemetry.logger.warn({ ...details, why }, 'passkey ceremony refused'),
  );
  return {
    telemetry,
    db,
    clock,
    passkeyCeremonies,
    passkeys: new PasskeyService(db, users, writer, mail, passkeyCeremonies),
    passkeySignIn: new PasskeySignInService(db, users, issuer, starter, passkeyCeremonies, {
      decoyKey: config.jwt.secret,
      requireVerifiedEmail: config.requireVerifiedEmail,
    }),
    mfaThrottle,
    mfaSignIn,
    totp: new TotpService(db, clock, users, writer, mail, mfaThrottle, { kek, issuer: config.mfaIssuer }),
    mfa: new MfaService(db, clock, users, writer, mail),
    auditChain: new AuditChainService(db, clock, {
      intervalMs: AUDIT_SEAL_INTERVAL_MS,
      gapGraceMs: AUDIT_GAP_GRACE_MS,
      batchSize: AUDIT_SEAL_BATCH,
      onGapSkipped: (fromId, toId) =>
        telemetry.logger.warn(
          { fromId, toId },
          'audit event ids never committed; the audit chain goes past them (one committing now would show as inserted out of order)',
        ),
      onError,
    }),
    tokens,
    keyRing,
    revocationCheck,
    revocationBus: flow.bus,
    statusLists,
    signIn,
    stepUp,
    reauthentication: new ReauthenticationService(users, writer, issuer, signIn, stepUp, mfaSignIn),
    mail,
    recovery,
    emailVerification,
    emailChange,
    mailRequestThrottle,
    newSignIn,
    refreshTokens: new RefreshService(users, writer, issuer),
    sessionManagement: new SessionManagementService(db, users, writer, clock),
    loginThrottle,
    signingKeys: new SigningKeyService(db, writer, keyRing, clock, {
      algorithm: config.jwt.algorithm,
      kek,
      publishSeconds: config.signingKeys.publishSeconds,
      rotationDays: config.signingKeys.rotationDays,
    }),
    users,
    revocations: new RevocationService(db, writer, tokens, clock, (outcome) => {
      metrics.cleanupRuns.inc({ result: outcome.ok ? 'ok' : 'failed' });
      if (!outcome.ok) return;
      metrics.cleanupDeletedRows.inc({ table: 'blacklisted_tokens' }, outcome.counts.blacklistedTokens);
      metrics.cleanupDeletedRows.inc({ table: 'sessions' }, outcome.counts.sessions);
      metrics.cleanupDeletedRows.inc({ table: 'access_tokens' }, outcome.counts.accessTokens);
      metrics.cleanupDeletedRows.inc({ table: 'revocation_log' }, outcome.counts.logEntries);
    }),
  };
}

/** Open sockets and the admin feed, fed by the revocation check as revocations take effect here. */
function createLiveServices(config: Config, clock: Clock, revocationCheck: RevocationCheck, telemetry: Telemetry) {
  const sockets = new SocketRegistry({
    revocations: revocationCheck,
    clock,
    maxSocketsPerUser: config.websocket.maxSocketsPerUser,
    onError: (message, error) => telemetry.reportError(message, error),
  });
  const revocationFeed = new RevocationFeedHub();
  // Without the mirror no notification arrives: the feed carries what this instance commits.
  const feedFromCommits = config.revocationCheck === 'database';
  revocationCheck.watch({
    committed: (changes) => {
      void sockets.cut(changes);
      if (feedFromCommits) revocationFeed.publish(changes, clock());
    },
    notified: (notice) => {
      void sockets.cut(notice);
      revocationFeed.publish(notice, notice.sentAtMs);
    },
    unsynced: () => sockets.closeAuthenticated('revocation state unsynced'),
    synced: () => void sockets.recheckAll(),
  });
  return { sockets, revocationFeed };
}

/** A server's services: the domain services, live revocation, and their start and stop. */
export function createServices(
  config: Config,
  database: DatabaseHandle,
  clock: Clock,
  telemetry: Telemetry,
  passwords = new PasswordHasher(),
): RunningServices {
  const domain = createDomainServices(config, database, clock, telemetry, passwords);
  const services: Services = {
    ...domain,
    ...createLiveServices(config, clock, domain.revocationCheck, telemetry),
  };
  const onError = (message: string, error: unknown) => telemetry.reportError(message, error);
  let stopCleanup: (() => void) | undefined;
  return {
    services,
    start: async () => {
      await services.signingKeys.start(KEY_POLL_INTERVAL_MS, onError);
      services.mail.start();
      await services.revocationCheck.start();
      await services.statusLists?.start(services.revocationCheck, {
        followsOtherInstances: config.revocationCheck === 'mirror',
        warm: config.jwt.algorithm === 'ES256',
      });
      services.sockets.start();
      services.auditChain.start();
      stopCleanup = scheduleCleanup(
        config.cleanupIntervalSeconds,
        () =>
          Promise.all([
            services.revocations.purgeExpiredTokens(null),
            services.loginThrottle.purgeStale(),
            services.mailRequestThrottle.purgeStale(),
            services.mfaThrottle.purgeStale(),
            services.recovery.purgeDeadLinks(),
            services.mail.purgeFinished(),
            services.passkeyCeremonies.purgeExpired(),
            services.newSignIn.purgeStale(),
          ]),
        (error) => onError('scheduled cleanup failed', error),
      );
    },
    stop: async () => {
      stopCleanup?.();
      await services.mail.stop();
      await services.statusLists?.stop();
      await services.auditChain.stop();
      await services.revocationCheck.stop();
      await services.revocationBus.stop();
      services.signingKeys.stop();
    },
  };
}
