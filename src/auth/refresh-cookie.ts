/** Where a browser keeps its refresh token: an HttpOnly cookie, read by `refreshToken` and nothing else. */
export interface RefreshCookie {
  /** The refresh token the browser sent, if it sent the cookie. */
  read(): string | undefined;
  write(refreshToken: string, maxAgeSeconds: number): void;
  clear(): void;
  /** Whether the page that sent the request may use the cookie: the service's own origin or a listed one. */
  originAllowed(): boolean;
}
