/**
 * The token of a mailed link (`…/reset-password#token=…`), taken out of the address bar at once:
 * left there it would stay in the history, in a bookmark or on a shared screen, and open the account
 * to whoever saw it. The fragment never reaches a server, nor a Referer header.
 */
export function takeLinkToken(): string | undefined {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? undefined;
  if (location.hash !== '') history.replaceState(history.state, '', location.pathname + location.search);
  return token === '' ? undefined : token;
}
