import { mfaEnrollmentRequired, stepUpRequired } from '../errors';
import type { AuthMethod } from './authentication';
import type { Viewer } from './viewer';

/** What the step-up and enrolment checks of `@auth` need to know; built in `services.ts`. */
export interface StepUpPolicy {
  /** STEP_UP_MAX_AGE_SECONDS: how old an `auth_time` a `stepUp` field accepts. */
  maxAgeSeconds: number;
  /** ADMIN_REQUIRE_MFA: administrators without a second factor are refused on ADMIN fields. */
  adminRequireMfa: boolean;
  /** Whether the account has a second factor enrolled (TOTP, a passkey). */
  hasSecondFactor(userId: string): Promise<boolean>;
}

/** RFC 8176 values that prove more than a password: a one-time code, a bound key, or several factors. */
const SECOND_FACTOR_METHODS: ReadonlySet<AuthMethod> = new Set<AuthMethod>(['mfa', 'otp', 'hwk', 'swk']);

export const showsSecondFactor = (amr: readonly AuthMethod[]): boolean =>
  amr.some((method) => SECOND_FACTOR_METHODS.has(method));

/** The account has a second factor; a token whose `amr` shows one needs no lookup. */
const hasSecondFactor = async (viewer: Viewer, policy: StepUpPolicy): Promise<boolean> =>
  showsSecondFactor(viewer.amr) || (await policy.hasSecondFactor(viewer.userId));

/**
 * A `stepUp` field: the caller authenticated within `maxAgeSeconds`, and with their second factor
 * when the account has one. A token without `auth_time` (issued before it existed) never passes.
 */
export async function requireStepUp(viewer: Viewer, policy: StepUpPolicy, nowMs: number): Promise<void> {
  const { maxAgeSeconds } = policy;
  const fresh = viewer.authTimeMs !== null && nowMs - viewer.authTimeMs <= maxAgeSeconds * 1000;
  if (!fresh) {
    throw stepUpRequired('A more recent authentication is required: call reauthenticate, then retry.', maxAgeSeconds);
  }
  if (!showsSecondFactor(viewer.amr) && (await policy.hasSecondFactor(viewer.userId))) {
    throw stepUpRequired(
      'This needs your second factor: reauthenticate with a code or a passkey, then retry.',
      maxAgeSeconds,
    );
  }
}

/** ADMIN_REQUIRE_MFA: an administrator without a second factor may only enrol one, not administer. */
export async function requireAdminEnrolment(viewer: Viewer, policy: StepUpPolicy): Promise<void> {
  if (policy.adminRequireMfa && !(await hasSecondFactor(viewer, policy))) throw mfaEnrollmentRequired();
}
