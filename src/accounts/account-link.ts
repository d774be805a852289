import type { Database } from '../db/database';
import { hashAccountToken, linkWithToken, newAccountToken } from './account-token';
import { insertAccountToken, spendOutstandingAccountTokens, type AccountTokenPurpose } from './account-token.store';

export interface AccountLinkRequest {
  userId: string;
  purpose: AccountTokenPurpose;
  /** The address the link is mailed to, and, for a verification, the address it proves. */
  email: string;
  now: Date;
  ttlSeconds: number;
  pageUrl: string;
  /** For an address change: the session that asked, left signed in when the change applies. */
  sessionId?: string;
}

/**
 * Stores a new token for `purpose` in `tx` and returns the link carrying it. One link works at a
 * time, the newest: a mail that went astray stops opening anything once another is asked for.
 */
export async function issueAccountLink(tx: Database, request: AccountLinkRequest): Promise<string> {
  const token = newAccountToken();
  await spendOutstandingAccountTokens(tx, request.userId, request.purpose, request.now);
  await insertAccountToken(tx, {
    userId: request.userId,
    purpose: request.purpose,
    tokenHash: hashAccountToken(token),
    email: request.email,
    createdAt: request.now,
    expiresAt: new Date(request.now.getTime() + request.ttlSeconds * 1000),
    sessionId: request.sessionId ?? null,
  });
  return linkWithToken(request.pageUrl, token);
}
