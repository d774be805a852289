import { ConfigError, DAY, integer, type Env } from './env';

/** Failed logins per key (one email, one client address) within a window. */
export interface ThrottleLimits {
  /** Failures allowed before each further attempt must wait. */
  freeFailures: number;
  /** Failures after which attempts are refused until the window ends; 0 turns the scope off. */
  maxFailures: number;
}

export interface LoginThrottleConfig {
  windowSeconds: number;
  maxDelaySeconds: number;
  email: ThrottleLimits;
  address: ThrottleLimits;
}

/** Refresh tokens and the login throttle. */
export interface SessionsConfig {
  refreshTokenTtlSeconds: number;
  refreshReuseGraceSeconds: number;
  loginThrottle: LoginThrottleConfig;
  /**
   * How long after authenticating a caller may use a `stepUp` field (RFC 9470 `max_age`).
   * @default 600
   */
  stepUpMaxAgeSeconds: number;
}

function throttleLimits(env: Env, scope: 'EMAIL' | 'ADDRESS', free: number, max: number): ThrottleLimits {
  const limits = {
    freeFailures: integer(env, `LOGIN_THROTTLE_${scope}_FREE`, free, 1, 10_000),
    maxFailures: integer(env, `LOGIN_THROTTLE_${scope}_MAX`, max, 0, 100_000),
  };
  if (limits.maxFailures !== 0 && limits.maxFailures < limits.freeFailures) {
    throw new ConfigError(`LOGIN_THROTTLE_${scope}_MAX`, `must be 0 or at least LOGIN_THROTTLE_${scope}_FREE`);
  }
  return limits;
}

function loginThrottle(env: Env): LoginThrottleConfig {
  return {
    windowSeconds: integer(env, 'LOGIN_THROTTLE_WINDOW_SECONDS', 900, 1, DAY),
    maxDelaySeconds: integer(env, 'LOGIN_THROTTLE_MAX_DELAY_SECONDS', 60, 1, 3600),
    email: throttleLimits(env, 'EMAIL', 5, 20),
    address: throttleLimits(env, 'ADDRESS', 20, 100),
  };
}

export function sessionsConfig(env: Env): SessionsConfig {
  return {
    refreshTokenTtlSeconds: integer(env, 'REFRESH_TOKEN_TTL', 30 * DAY, 60, 365 * DAY),
    refreshReuseGraceSeconds: integer(env, 'REFRESH_REUSE_GRACE_SECONDS', 0, 0, 300),
    loginThrottle: loginThrottle(env),
    stepUpMaxAgeSeconds: integer(env, 'STEP_UP_MAX_AGE_SECONDS', 600, 30, DAY),
  };
}
