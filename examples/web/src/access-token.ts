/**
 * The access token lives in this module only, never in localStorage or a cookie: a script injected
 * into the page could read those, and a reload forgets it anyway, the refresh cookie brings the next.
 */
let accessToken: string | undefined;

export const currentAccessToken = (): string | undefined => accessToken;

export function keepAccessToken(token: string): void {
  accessToken = token;
}

export function forgetAccessToken(): void {
  accessToken = undefined;
}
