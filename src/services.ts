import { PasswordHasher } from './auth/passwords';
import { TokenService } from './auth/tokens';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Database, DatabaseHandle } from './db/database';
import { RevocationFeedHub } from './live/revocation-feed.hub';
import { SocketRegistry } from './live/socket-registry';
import type { Telemetry } from './observability/telemetry';
import { MirrorRevocationCheck } from './revocation/mirror.check';
import { DatabaseRevocationCheck, type RevocationCheck } from './revocation/revocation.check';
import { RevocationWriter } from './revocation/revocation.feed';
import { RevocationService } from './revocation/revocation.service';
import { KeyRing } from './keys/key-ring';
import { deriveKeyEncryptionKey } from './keys/key-sealing';
import { SigningKeyService } from './keys/signing-key.service';
import { LoginThrottle } from './sessions/login-throttle';
import { SessionManagementService } from './sessions/session-management.service';
import { SessionService } from './sessions/session.service';
import { UserService } from './users/user.service';

/** Everything a resolver may call, built once per server and shared by every request. */
export interface Services {
  db: Database;
  clock: Clock;
  tokens: TokenService;
  revocationCheck: RevocationCheck;
  sessions: SessionService;
  sessionManagement: SessionManagementService;
  users: UserService;
  revocations: RevocationService;
  signingKeys: SigningKeyService;
  telemetry: Telemetry;
  loginThrottle: LoginThrottle;
  /** Open WebSockets, cut the moment their token is revoked. */
  sockets: SocketRegistry;
  /** The `revocations` subscribers. */
  revocationFeed: RevocationFeedHub;
}

const MIRROR_SWEEP_INTERVAL_MS = 60_000;
/** How often every instance reads the signing keys whatever notices arrive; well below the publish delay. */
export const KEY_POLL_INTERVAL_MS = 5000;

/** The key ring reads the keys again whenever a notice says they changed, and after a resync. */
function watchKeyChanges(revocationCheck: RevocationCheck, ring: KeyRing, telemetry: Telemetry): void {
  const reload = () =>
    void ring.reload().catch((error: unknown) => telemetry.reportError('signing keys could not be read', error));
  const onChange = (changes: { signingKeysChanged?: boolean }) => {
    if (changes.signingKeysChanged) reload();
  };
  revocationCheck.watch({ notified: onChange, synced: reload });
}

function createRevocationCheck(
  config: Config,
  database: DatabaseHandle,
  clock: Clock,
  onError: (message: string, error: unknown) => void,
): RevocationCheck {
  const direct = new DatabaseRevocationCheck(database.db, clock);
  if (config.revocationCheck === 'database') return direct;
  return new MirrorRevocationCheck(database, clock, direct, {
    reconcileIntervalMs: config.reconcileIntervalMs,
    sweepIntervalMs: MIRROR_SWEEP_INTERVAL_MS,
    onError,
  });
}

/** Open sockets and the admin feed, fed by the revocation check as revocations take effect here. */
function createLiveServices(config: Config, clock: Clock, revocationCheck: RevocationCheck, telemetry: Telemetry) {
  const onError = (message: string, error: unknown) => telemetry.reportError(message, error);
  const sockets = new SocketRegistry({
    revocations: revocationCheck,
    clock,
    maxSocketsPerUser: config.websocket.maxSocketsPerUser,
    onError,
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

export function createServices(
  config: Config,
  database: DatabaseHandle,
  clock: Clock,
  telemetry: Telemetry,
  passwords = new PasswordHasher(),
): Services {
  const { db } = database;
  const { metrics } = telemetry;
  const kek = deriveKeyEncryptionKey(config.jwt.secret);
  const keyRing = new KeyRing(db, clock, {
    kek,
    accessTokenTtlSeconds: config.jwt.accessTokenTtlSeconds,
    pollIntervalMs: KEY_POLL_INTERVAL_MS,
    onError: (message, error) => telemetry.reportError(message, error),
  });
  const tokens = new TokenService(config.jwt, clock, keyRing);
  const revocationCheck = createRevocationCheck(config, database, clock, (message, error) =>
    telemetry.reportError(message, error),
  );
  watchKeyChanges(revocationCheck, keyRing, telemetry);
  metrics.watchRevocationCheck(() => revocationCheck.status());
  const { sockets, revocationFeed } = createLiveServices(config, clock, revocationCheck, telemetry);
  const writer = new RevocationWriter(db, clock, (changes) => {
    revocationCheck.applyCommitted(changes);
    for (const change of changes) {
      metrics.revocations.inc({ kind: 'token' }, change.jtis.length);
      metrics.revocations.inc({ kind: 'user' }, change.cutoffs.length);
      metrics.revocations.inc({ kind: 'session' }, change.sessions.length);
    }
  });
  const loginThrottle = new LoginThrottle(db, clock, config.loginThrottle, (scope) =>
    metrics.loginThrottled.inc({ scope }),
  );
  return {
    telemetry,
    db,
    clock,
    tokens,
    revocationCheck,
    sessions: new SessionService(
      db,
      writer,
      tokens,
      clock,
      {
        refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
        refreshReuseGraceSeconds: config.refreshReuseGraceSeconds,
      },
      loginThrottle,
      passwords,
    ),
    loginThrottle,
    sockets,
    revocationFeed,
    sessionManagement: new SessionManagementService(db, writer, clock),
    signingKeys: new SigningKeyService(db, writer, keyRing, clock, {
      algorithm: config.jwt.algorithm,
      kek,
      publishSeconds: config.signingKeys.publishSeconds,
      rotationDays: config.signingKeys.rotationDays,
    }),
    users: new UserService(db, writer, clock, passwords),
    revocations: new RevocationService(db, writer, tokens, clock, (outcome) => {
      metrics.cleanupRuns.inc({ result: outcome.ok ? 'ok' : 'failed' });
      if (!outcome.ok) return;
      metrics.cleanupDeletedRows.inc({ table: 'blacklisted_tokens' }, outcome.counts.blacklistedTokens);
      metrics.cleanupDeletedRows.inc({ table: 'sessions' }, outcome.counts.sessions);
      metrics.cleanupDeletedRows.inc({ table: 'access_tokens' }, outcome.counts.accessTokens);
    }),
  };
}
