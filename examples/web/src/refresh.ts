import { forgetAccessToken, keepAccessToken } from './access-token';
import { client } from './client';
import { REFRESH_SESSION } from './operations';
import { outcomeOf, type Outcome } from './outcome';

/** Long enough for the other tab's answer, which carries the cookie's successor, to land in the jar. */
const SUPERSEDED_RETRY_DELAY_MS = 200;

let inFlight: Promise<Outcome<true>> | undefined;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const rotateOnce = async () => outcomeOf(await client.mutation(REFRESH_SESSION, {}).toPromise());

async function rotateCookie(): Promise<Outcome<true>> {
  // The API refuses any request whose bearer token is stale, a public refresh included: send none.
  forgetAccessToken();
  let outcome = await rotateOnce();
  if (!outcome.ok && outcome.error.superseded) {
    await delay(SUPERSEDED_RETRY_DELAY_MS);
    outcome = await rotateOnce();
  }
  if (!outcome.ok) return outcome;
  keepAccessToken(outcome.data.refreshToken.accessToken);
  return { ok: true, data: true };
}

/**
 * Trades the refresh cookie for a new access token. One refresh at a time per page: two would
 * present the same cookie, and the second would look like reuse of a spent token.
 */
export function refreshSession(): Promise<Outcome<true>> {
  inFlight ??= rotateCookie().finally(() => {
    inFlight = undefined;
  });
  return inFlight;
}
