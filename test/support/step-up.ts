import { REAUTHENTICATE, type AuthPayloadData } from './operations';
import type { TestServer } from './test-server';

/** STEP_UP_MAX_AGE_SECONDS by default, in milliseconds, and a moment past it. */
export const STEP_UP_MAX_AGE_MS = 600_000;
export const PAST_STEP_UP_MS = STEP_UP_MAX_AGE_MS + 1000;

/** `reauthenticate` with a password: the same session's fresh pair, for a field behind step-up. */
export async function reauthenticate(
  server: TestServer,
  accessToken: string,
  password: string,
): Promise<AuthPayloadData> {
  const response = await server.gql<{ reauthenticate: AuthPayloadData }>(
    REAUTHENTICATE,
    { password },
    { token: accessToken },
  );
  if (!response.data) throw new Error(`reauthenticate failed: ${JSON.stringify(response.errors)}`);
  return response.data.reauthenticate;
}

/** The auth-params of a WWW-Authenticate challenge (RFC 9110 §11.2), parsed strictly: one scheme, then name=value pairs. */
export function parseChallenge(header: string | null): { scheme: string; params: Record<string, string> } {
  const match = /^([A-Za-z][\w-]*) (.*)$/.exec(header ?? '');
  if (!match?.[1] || match[2] === undefined) throw new Error(`not a challenge: ${String(header)}`);
  const params: Record<string, string> = {};
  const param = /([a-z_]+)=(?:"((?:[^"\\]|\\.)*)"|([!#$%&'*+\-.^_`|~\w]+))(?:, |$)/y;
  const rest = match[2];
  while (param.lastIndex < rest.length) {
    const found = param.exec(rest);
    if (!found?.[1]) throw new Error(`malformed auth-param at ${param.lastIndex} in: ${rest}`);
    params[found[1]] = found[2] ?? found[3] ?? '';
  }
  return { scheme: match[1], params };
}
