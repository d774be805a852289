import type { Clock } from '../clock';
import type { LoginThrottleConfig, ThrottleLimits } from '../config';
import type { Database } from '../db/database';
import type { LoginFailureRow } from '../db/schema';
import { tooManyRequests } from '../errors';
import {
  clearFailures,
  deleteFailuresBefore,
  forgiveAttempt,
  lockFailureRows,
  saveFailures,
  type ThrottleKey,
  type ThrottleScope,
} from './login-throttle.store';

/** Seconds this key must wait before its next attempt, or null when it may try now. */
function waitSeconds(
  row: Pick<LoginFailureRow, 'failures' | 'windowStartedAt' | 'lastFailureAt'>,
  limits: ThrottleLimits,
  config: LoginThrottleConfig,
  nowMs: number,
): number | null {
  const windowEndsMs = row.windowStartedAt.getTime() + config.windowSeconds * 1000;
  if (nowMs >= windowEndsMs) return null;
  if (row.failures >= limits.maxFailures) return (windowEndsMs - nowMs) / 1000;
  if (row.failures < limits.freeFailures) return null;
  // Each failure past the free ones doubles the wait, up to the cap.
  const delay = Math.min(2 ** (row.failures - limits.freeFailures), config.maxDelaySeconds);
  const earliestMs = row.lastFailureAt.getTime() + delay * 1000;
  return nowMs < earliestMs ? (earliestMs - nowMs) / 1000 : null;
}

/** The rows a throttle keeps its counts under, and what its refusal says. */
export interface ThrottleKind {
  scopes: { email: ThrottleScope; address: ThrottleScope };
  refusal: string;
}

export const LOGIN_THROTTLE: ThrottleKind = {
  scopes: { email: 'email', address: 'address' },
  refusal: 'Too many failed sign-ins',
};

/** One attempt, counted as failed until `succeeded` says otherwise. */
export interface LoginAttempt {
  succeeded(): Promise<void>;
}

/**
 * Slows, then refuses, repeated failed sign-ins for one email and for one client address. The
 * counts live in the database, so every instance enforces the same limits.
 */
export class LoginThrottle {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: LoginThrottleConfig,
    private readonly onRefused: (scope: ThrottleScope) => void = () => undefined,
    private readonly kind: ThrottleKind = LOGIN_THROTTLE,
  ) {}

  /**
   * Throws TOO_MANY_REQUESTS when either key must wait; otherwise counts the attempt as a failure
   * before the password is checked, so that a burst of parallel guesses cannot all get through.
   */
  async begin(email: string, clientAddress: string): Promise<LoginAttempt> {
    const keys = this.keysFor(email, clientAddress);
    if (keys.length === 0) return { succeeded: () => Promise.resolve() };
    const now = this.clock();
    await this.db.transaction(async (tx) => {
      const rows = await lockFailureRows(tx, keys, new Date(now));
      for (const row of rows) {
        const wait = waitSeconds(row, this.limitsOf(row.scope), this.config, now);
        if (wait !== null) {
          this.onRefused(row.scope);
          throw tooManyRequests(`${this.kind.refusal}; try again in ${Math.ceil(wait)} seconds.`, wait);
        }
      }
      for (const row of rows) {
        const windowOver = now >= row.windowStartedAt.getTime() + this.config.windowSeconds * 1000;
        await saveFailures(tx, row, {
          failures: windowOver ? 1 : row.failures + 1,
          windowStartedAt: windowOver ? new Date(now) : row.windowStartedAt,
          lastFailureAt: new Date(now),
        });
      }
    });
    return {
      succeeded: async () => {
        for (const key of keys) {
          // The right password clears the account's count; an address keeps its other failures.
          if (key.scope === this.kind.scopes.email) await clearFailures(this.db, key);
          else await forgiveAttempt(this.db, key);
        }
      },
    };
  }

  /** Deletes counts whose last failure is older than the window. */
  purgeStale(): Promise<number> {
    const { email, address } = this.kind.scopes;
    // Only its own scopes: another throttle's window may be longer.
    return deleteFailuresBefore(this.db, [email, address], new Date(this.clock() - this.config.windowSeconds * 1000));
  }

  private limitsOf(scope: ThrottleScope): ThrottleLimits {
    return scope === this.kind.scopes.email ? this.config.email : this.config.address;
  }

  private keysFor(email: string, clientAddress: string): ThrottleKey[] {
    const keys: ThrottleKey[] = [];
    const { scopes } = this.kind;
    if (this.config.email.maxFailures > 0) keys.push({ scope: scopes.email, subject: email });
    if (this.config.address.maxFailures > 0) keys.push({ scope: scopes.address, subject: clientAddress });
    return keys;
  }
}
