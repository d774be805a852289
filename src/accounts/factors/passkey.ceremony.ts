import { Buffer } from 'node:buffer';
import type { AuthMethod } from '../../auth/authentication';
import type { Clock } from '../../clock';
import type { WebAuthnConfig } from '../../config';
import type { Database } from '../../db/database';
import type { PasskeyRow, WebauthnChallengeRow } from '../../db/schema';
import { invalidPasskey } from '../../errors';
import { consumeChallenge, deleteExpiredChallenges, insertChallenge } from './passkey-challenge.store';

/** A ceremony must finish within five minutes of its start (WebAuthn's own recommended timeout). */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

export type Ceremony = WebauthnChallengeRow['ceremony'];

/** What a refused ceremony tells the operator; the client only ever hears INVALID_PASSKEY. */
export type OnRefused = (why: string, details: Record<string, unknown>) => void;

/** The challenges of one relying party: stored at a start, taken back once at the finish. */
export class PasskeyCeremonies {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    readonly relyingParty: WebAuthnConfig,
    private readonly onRefused: OnRefused,
  ) {}

  now(): Date {
    return new Date(this.clock());
  }

  /** Stores the challenge the options carry, for a finish on any instance within the ttl. */
  async remember(challenge: string, ceremony: Ceremony, userId: string | null): Promise<void> {
    const now = this.now();
    await insertChallenge(this.db, {
      challenge,
      ceremony,
      userId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS),
    });
  }

  /**
   * Takes back the challenge a response answers, whether or not the response then verifies: a
   * challenge is spent by its first finish. An unknown, spent or expired one is refused alike.
   */
  async take(response: Record<string, unknown>, ceremony: Ceremony): Promise<WebauthnChallengeRow> {
    const challenge = challengeOf(response);
    if (challenge === null) throw this.refuse('response without readable client data', {});
    const row = await consumeChallenge(this.db, challenge, ceremony);
    if (!row) throw this.refuse('unknown or spent challenge', { ceremony });
    if (row.expiresAt.getTime() <= this.clock()) throw this.refuse('expired challenge', { ceremony });
    return row;
  }

  purgeExpired(): Promise<number> {
    return deleteExpiredChallenges(this.db, this.now());
  }

  /** Logs why, and answers what the client is told. */
  refuse(why: string, details: Record<string, unknown>): Error {
    this.onRefused(why, details);
    return invalidPasskey();
  }
}

const BASE64URL = /^[A-Za-z0-9_-]{1,1024}$/;

/** Challenges and credential ids are base64url; anything else is refused before it reaches a query. */
export const isBase64Url = (value: unknown): value is string => typeof value === 'string' && BASE64URL.test(value);

/** The challenge in a response's client data, or null when there is none to read. */
export function challengeOf(response: Record<string, unknown>): string | null {
  const inner = response.response;
  if (typeof inner !== 'object' || inner === null) return null;
  const encoded = (inner as Record<string, unknown>).clientDataJSON;
  if (typeof encoded !== 'string' || encoded.length > 4096) return null;
  try {
    const clientData: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    const challenge = (clientData as Record<string, unknown> | null)?.challenge;
    return typeof challenge === 'string' && isBase64Url(challenge) ? challenge : null;
  } catch {
    return null;
  }
}

/**
 * The `amr` of a sign-in with a user-verified passkey: two factors in one (the key, and the PIN or
 * biometric that unlocked it). A backed-up (synced) passkey is `swk`, since its private key lives
 * in software that copies it between devices; one bound to a single device is `hwk`.
 */
export function passkeyMethods(passkey: Pick<PasskeyRow, 'backedUp' | 'deviceType'>): AuthMethod[] {
  const key: AuthMethod = passkey.backedUp || passkey.deviceType === 'multiDevice' ? 'swk' : 'hwk';
  return [key, 'user', 'mfa'];
}

/** The user handle passkeys carry: the account id, which discloses nothing about the person. */
export const userHandleOf = (userId: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(userId, 'utf8'));
