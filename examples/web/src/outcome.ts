import type { CombinedError, OperationResult } from '@urql/core';

/** What the page needs to know of a refusal: the API's `extensions.code` and its details. */
export interface ApiError {
  code: string;
  message: string;
  /** Why a token was revoked, given to the holder of a revoked access token. */
  reason: string | undefined;
  /** The refresh cookie was rotated a moment ago, by another tab: its successor is in the jar. */
  superseded: boolean;
  /** MFA_REQUIRED: the password was right; finish the sign-in with one of these. */
  mfa?: MfaChallenge;
}

export interface MfaChallenge {
  mfaToken: string;
  /** What the account can finish with: TOTP, RECOVERY_CODE, PASSKEY. */
  methods: readonly string[];
}

function mfaChallengeOf(mfaToken: unknown, methods: unknown): MfaChallenge | undefined {
  if (typeof mfaToken !== 'string' || !Array.isArray(methods)) return undefined;
  return { mfaToken, methods: methods.filter((method): method is string => typeof method === 'string') };
}

export type Outcome<TData> = { ok: true; data: TData } | { ok: false; error: ApiError };

/** The first GraphQL error names the refusal; without one, the request never got an answer. */
function apiErrorOf(error: CombinedError): ApiError {
  const first = error.graphQLErrors[0];
  if (first === undefined) {
    return { code: 'NETWORK_ERROR', message: error.message, reason: undefined, superseded: false };
  }
  const { code, reason, superseded, mfaToken, methods } = first.extensions;
  const mfa = mfaChallengeOf(mfaToken, methods);
  return {
    code: typeof code === 'string' ? code : 'UNKNOWN',
    message: first.message,
    reason: typeof reason === 'string' ? reason : undefined,
    superseded: superseded === true,
    ...(mfa && { mfa }),
  };
}

export function outcomeOf<TData>(result: OperationResult<TData>): Outcome<TData> {
  if (result.error) return { ok: false, error: apiErrorOf(result.error) };
  if (result.data === undefined) {
    return {
      ok: false,
      error: { code: 'NO_DATA', message: 'The API answered no data.', reason: undefined, superseded: false },
    };
  }
  return { ok: true, data: result.data };
}
