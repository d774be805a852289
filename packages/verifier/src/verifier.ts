import { discover, ServiceMismatch, type ServiceEndpoints } from './discovery';
import { expressMiddleware, type Middleware } from './express.middleware';
import { RevocationState, type StateSize } from './revocation.state';
import { RevocationStream } from './revocation.stream';
import { StateFollower } from './state.follower';
import {
  headerKidOf,
  loadJose,
  verifySignedToken,
  UnknownKey,
  type JoseModule,
  type VerifiedClaims,
} from './token.verification';
import { SigningKeys } from './signing-keys';
import { VerifiedClaimsCache } from './verified-claims.cache';
import { VerifierError } from './verifier.error';
import { resolveOptions, type ResolvedOptions, type VerifierOptions } from './verifier.options';

/** What a service exports as metrics: whether the state is held and current, and how far behind. */
export interface VerifierStatus {
  /** The whole revocation state has arrived at least once. */
  synced: boolean;
  /** Proven current within maxStalenessSeconds: tokens are being answered. */
  current: boolean;
  /** Every revocation log version up to this one is applied; null before the first sync. */
  version: number | null;
  /** Milliseconds since a heartbeat last proved the state current; null when none has. */
  stalenessMs: number | null;
  /** From the service numbering the last version to its arrival here, in ms. */
  lastLagMs: number | null;
  connected: boolean;
  reconnects: number;
  bytesReceived: number;
  /** Why the stream is not connected or not current; null when all is well. */
  trouble: string | null;
  held: StateSize;
}

/** Seconds a refused caller is told to wait while the state is stale: the stream reconnects within 2 s. */
const RETRY_AFTER_SECONDS = 2;
/** Expired jtis and session cutoffs are forgotten this often. */
const SWEEP_MS = 60_000;

export class Verifier {
  private readonly cache: VerifiedClaimsCache;
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly jose: JoseModule,
    private readonly endpoints: ServiceEndpoints,
    private readonly keys: SigningKeys,
    private readonly state: RevocationState,
    private readonly follower: StateFollower,
    private readonly stream: RevocationStream,
  ) {
    this.cache = new VerifiedClaimsCache(options.verifiedTokenCacheSize);
    this.sweeper = setInterval(() => state.dropExpired(Date.now()), SWEEP_MS);
    this.sweeper.unref();
  }

  /**
   * The token's claims, or a VerifierError. Once synced this makes no network call, except to
   * fetch the key set again for a kid it has not seen (at most every 250 ms).
   */
  async verify(token: string): Promise<VerifiedClaims> {
    if (typeof token !== 'string') throw new VerifierError('INVALID_TOKEN', 'The token is not a string.');
    const nowMs = Date.now();
    let known = this.cache.get(token);
    if (known === undefined) {
      const kid = headerKidOf(this.jose, token);
      // A revoked key leaves the published set: say why its tokens fail rather than "unknown key".
      const keyRevoked = this.state.keyRevocation(kid);
      if (keyRevoked !== null) throw revoked(keyRevoked.reason);
      known = this.cache.remember(token, await this.verifySigned(token, kid, nowMs));
    } else if (known.claims.exp * 1000 <= nowMs) {
      throw new VerifierError('TOKEN_EXPIRED', 'The token has expired.');
    }
    const revocation = this.state.lookup(known.facts, nowMs);
    if (revocation !== null) throw revoked(revocation.reason);
    // Never "valid" on a state not proven current: a revocation may be waiting upstream.
    if (this.follower.stalenessMs() > this.options.maxStalenessMs) throw this.unavailable();
    return known.claims;
  }

  private async verifySigned(token: string, kid: string, nowMs: number): Promise<VerifiedClaims> {
    const expected = { issuer: this.endpoints.issuer, audience: this.options.audience, nowMs };
    try {
      return await verifySignedToken(this.jose, this.keys.remote, token, kid, expected);
    } catch (error) {
      if (!(error instanceof UnknownKey)) throw error;
      await this.keys
        .reloadForUnknownKid(kid)
        .catch((reloadError: unknown) => this.options.logger.warn?.(`signing keys: ${(reloadError as Error).message}`));
      return verifySignedToken(this.jose, this.keys.remote, token, kid, expected);
    }
  }

  /** Express-style middleware (also Connect, and Node's http): sets `req.auth`, or answers 401 / 503. */
  express(): Middleware {
    return expressMiddleware((token) => this.verify(token), RETRY_AFTER_SECONDS);
  }

  status(): VerifierStatus {
    const staleness = this.follower.stalenessMs();
    return {
      synced: this.follower.version !== null,
      current: staleness <= this.options.maxStalenessMs,
      version: this.follower.version,
      stalenessMs: Number.isFinite(staleness) ? Math.round(staleness) : null,
      lastLagMs: this.follower.lastLagMs,
      connected: this.stream.connected,
      reconnects: this.stream.reconnects,
      bytesReceived: this.stream.bytesReceived,
      trouble: this.stream.trouble?.message ?? null,
      held: this.state.size(),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    await this.stream.close();
  }

  private unavailable(): VerifierError {
    const trouble = this.stream.trouble?.message;
    return new VerifierError(
      'SERVICE_UNAVAILABLE',
      this.follower.version === null
        ? 'The revocation state has not arrived yet.'
        : `The revocation state is not proven current${trouble === undefined ? '' : ` (${trouble})`}.`,
    );
  }
}

const revoked = (reason: string | null) =>
  new VerifierError(
    'TOKEN_REVOKED',
    reason === null ? 'The token was revoked.' : `The token was revoked: ${reason}`,
    reason,
  );

/** Polls until `ready` holds, the deadline passes or `fatal` has something to say. */
async function waitFor(ready: () => boolean, fatal: () => string | null, deadlineMs: number): Promise<string | null> {
  while (!ready()) {
    const message = fatal();
    if (message !== null) return message;
    if (Date.now() >= deadlineMs) return 'timeout';
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return null;
}

/** Retries discovery and the key set until they answer or the startup deadline passes. */
async function untilDeadline<T>(work: (signal: AbortSignal) => Promise<T>, deadlineMs: number): Promise<T> {
  let delayMs = 100;
  for (;;) {
    try {
      return await work(AbortSignal.timeout(Math.max(1, Math.min(deadlineMs - Date.now(), 10_000))));
    } catch (error) {
      const remaining = deadlineMs - Date.now();
      if (remaining <= 0 || error instanceof ServiceMismatch) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(delayMs, remaining)));
      delayMs = Math.min(delayMs * 2, 2000);
    }
  }
}

/**
 * Discovers the service, fetches its signing keys and opens the revocation stream. Resolves once
 * keys and the whole revocation state are held; rejects, naming the cause, when that does not
 * happen within `startupTimeoutSeconds`, and at once for a bad option, an HS256 service or a
 * client the service refuses.
 */
export async function createVerifier(input: VerifierOptions): Promise<Verifier> {
  const options = resolveOptions(input);
  const deadlineMs = Date.now() + options.startupTimeoutMs;
  const timeoutSeconds = options.startupTimeoutMs / 1000;
  const jose = await loadJose();
  let endpoints: ServiceEndpoints;
  let keys: SigningKeys;
  try {
    endpoints = await untilDeadline((signal) => discover(options.fetch, options.issuerUrl, signal), deadlineMs);
    // Fetched when the stream says the keys changed, or for an unknown kid at most every 250 ms
    // (SigningKeys): never on a timer of jose's own, so verify() makes no call for a known kid.
    const remote = jose.createRemoteJWKSet(endpoints.jwksUri, {
      cacheMaxAge: Infinity,
      cooldownDuration: Infinity,
      [jose.customFetch]: options.fetch,
    });
    keys = new SigningKeys(remote);
    const held = keys;
    await untilDeadline(() => held.reload(), deadlineMs);
  } catch (error) {
    if (error instanceof ServiceMismatch) throw new Error(`createVerifier: ${error.message}`, { cause: error });
    throw new Error(
      `createVerifier: could not reach the service at ${options.issuerUrl.href} within ${timeoutSeconds} s: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (keys.count === 0) {
    throw new Error(
      `createVerifier: the service at ${options.issuerUrl.href} publishes no signing keys, so it signs with HS256, ` +
        'whose keys are never published. Run it with JWT_ALGORITHM=ES256 for other services to verify its tokens.',
    );
  }
  const state = new RevocationState(Date.now());
  const reloadKeys = () => {
    keys.changed().catch((error: unknown) => options.logger.warn?.(`signing keys: ${(error as Error).message}`));
  };
  const follower = new StateFollower(
    state,
    () => performance.now(),
    () => Date.now(),
    reloadKeys,
  );
  const stream = new RevocationStream(
    {
      url: endpoints.revocationEventsUrl.href,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      fetch: options.fetch,
      logger: options.logger,
    },
    follower,
  );
  stream.start();
  // Synced is not enough: a first verify() must not meet a state that was never proven current.
  const failure = await waitFor(
    () => follower.provenCurrentAtMs !== null,
    () => (stream.trouble?.unauthorized === true ? stream.trouble.message : null),
    deadlineMs,
  );
  if (failure !== null) {
    await stream.close();
    throw new Error(
      failure === 'timeout'
        ? `createVerifier: ${
            follower.version === null
              ? 'the revocation state did not arrive'
              : 'the revocation state was not proven current'
          } from ${endpoints.revocationEventsUrl.href} within ${timeoutSeconds} s` +
          (stream.trouble === null ? '.' : ` (${stream.trouble.message}).`)
        : `createVerifier: the service refused client "${options.clientId}" (${failure}): check clientId and clientSecret against its OAUTH_CLIENTS.`,
    );
  }
  options.logger.info?.('revocation state synced', { version: follower.version });
  return new Verifier(options, jose, endpoints, keys, state, follower, stream);
}
