/** RFC 6750 §2.1: the scheme is case-insensitive, and one or more spaces separate it from the token. */
const BEARER = /^Bearer +(\S+)$/i;

/** The credential of an `Authorization: Bearer <credential>` header; undefined for any other header. */
export function bearerCredential(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}
