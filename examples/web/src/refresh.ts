import { currentAccessToken, forgetAccessToken, keepAccessToken } from './access-token';
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
 *
 * `refused` is the access token a call was refused with. When the page already holds another one,
 * a concurrent call has refreshed in the meantime, and the cookie is not spent again.
 */
export function refreshSession(refused?: string): Promise<Outcome<true>> {
  if (inFlight) return inFlight;
  const current = currentAccessToken();
  if (refused !== undefined && current !== undefined && current !== refused) {
    return Promise.resolve({ ok: true, data: true });
  }
  inFlight = rotateCookie().finally(() => {
    inFlight = undefined;
  });
  return inFlight;
}

/** Resolves once no refresh is in flight: a call sent during one would carry no access token. */
export async function refreshSettled(): Promise<void> {
  await inFlight?.catch(() => undefined);
}
