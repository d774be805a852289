import type { JWTPayload, JWTVerifyResult } from 'jose' with { 'resolution-mode': 'import' };
import { request } from 'node:http';
import { decodeJwtPart } from './forge';

/** A token's `status.status_list` claim (draft-ietf-oauth-status-list §5.2), or null without one. */
export function statusOf(token: string): { idx: number; uri: string } | null {
  const status = decodeJwtPart(token, 1).status as { status_list?: { idx: number; uri: string } } | undefined;
  return status?.status_list ?? null;
}

export function mustStatusOf(token: string): { idx: number; uri: string } {
  const status = statusOf(token);
  if (!status) throw new Error('the token has no status claim');
  return status;
}

/** The URIs the aggregation endpoint names (draft §9), at `aggregationUrl`. */
export async function aggregatedLists(aggregationUrl: string): Promise<string[]> {
  return ((await (await fetch(aggregationUrl)).json()) as { status_lists: string[] }).status_lists;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes as sent, not decompressed. */
  body: Buffer;
}

/** A GET through node:http, which leaves Content-Encoding alone (fetch would decompress out of sight). */
export function rawGet(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export interface CheckedList {
  jwt: string;
  payload: JWTPayload & { ttl?: number; status_list?: { bits: number; lst: string } };
  header: JWTVerifyResult['protectedHeader'];
  /** Every status of the list, decoded by @sd-jwt/jwt-status-list. */
  statuses: number[];
}

/**
 * Fetches and checks a Status List Token as a relying party does (draft §8.3): jose verifies the
 * signature from our JWKS, with `typ`, `sub` equal to the uri, `exp` not passed and a `ttl`;
 * @sd-jwt/jwt-status-list decodes `lst`. `from` is where to fetch it, when another instance than
 * the uri's serves it.
 */
export async function fetchCheckedList(uri: string, jwksUrl: string, nowMs: number, from = uri): Promise<CheckedList> {
  const { createLocalJWKSet, jwtVerify } = await import('jose');
  const { getListFromStatusListJWT } = await import('@sd-jwt/jwt-status-list');
  const answer = await fetch(from, { headers: { accept: 'application/statuslist+jwt' } });
  if (answer.status !== 200) throw new Error(`GET ${from}: ${answer.status} ${await answer.text()}`);
  if (answer.headers.get('content-type') !== 'application/statuslist+jwt') throw new Error('wrong content type');
  const jwt = await answer.text();
  const jwks = (await (await fetch(jwksUrl)).json()) as Parameters<typeof createLocalJWKSet>[0];
  const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(jwks), {
    typ: 'statuslist+jwt',
    subject: uri,
    algorithms: ['ES256'],
    requiredClaims: ['sub', 'iat', 'exp'],
    currentDate: new Date(nowMs),
  });
  const statuses = getListFromStatusListJWT(jwt).statusList;
  return { jwt, payload, header: protectedHeader, statuses };
}

/** The indices whose status is 1. */
export function setIndices(statuses: number[]): number[] {
  return statuses.flatMap((status, idx) => (status === 1 ? [idx] : []));
}
