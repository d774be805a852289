import { randomBytes } from 'node:crypto';
import { AuditAction } from '../audit/audit-action';
import { recordAudit } from '../audit/audit.trail';
import type { Clock } from '../clock';
import type { JwtAlgorithm } from '../config';
import type { Database } from '../db/client';
import type { SigningKeyRow } from '../db/schema';
import { isStorableText } from '../db/storable-text';
import { notFound } from '../errors';
import type { RevocationWriter, RevokingTx } from '../revocation/revocation.feed';
import { normalizeReason } from '../revocation/revocation.limits';
import type { KeyRing } from './key-ring';
import { generateKeyMaterial } from './key-material';
import { sealSecret, unsealSecret } from './key-sealing';
import { signsFrom } from './key-state';
import {
  findSigningKey,
  insertSigningKey,
  listAllSigningKeys,
  listLiveSigningKeys,
  lockSigningKeys,
  markSigningKeyRevoked,
  retireSignersAt,
} from './signing-key.store';

export interface SigningKeyPolicy {
  algorithm: JwtAlgorithm;
  kek: Buffer;
  publishSeconds: number;
  rotationDays: number;
}

const DAY_MS = 86_400_000;
const MAX_KID_LENGTH = 64;

/** Rotation and revocation of signing keys; every change is announced so other instances read their keys again. */
export class SigningKeyService {
  private scheduleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly writer: RevocationWriter,
    private readonly ring: KeyRing,
    private readonly clock: Clock,
    private readonly policy: SigningKeyPolicy,
  ) {}

  /** Makes sure a key signs, loads the ring, and checks the schedule as often as the ring polls. */
  async start(pollIntervalMs: number, onError: (message: string, error: unknown) => void): Promise<void> {
    await this.ensureSigner();
    await this.ring.start();
    this.ring.signer();
    this.scheduleTimer = setInterval(() => {
      this.rotateIfDue().catch((error: unknown) => onError('scheduled signing key rotation failed', error));
    }, pollIntervalMs);
    this.scheduleTimer.unref();
  }

  stop(): void {
    if (this.scheduleTimer) clearInterval(this.scheduleTimer);
    this.ring.stop();
  }

  list(): Promise<SigningKeyRow[]> {
    return listAllSigningKeys(this.db);
  }

  /**
   * Makes sure a key of the configured algorithm signs now: on first start, after JWT_ALGORITHM
   * changed, or after JWT_SECRET changed so that no stored key opens (tokens signed before are then
   * refused, as a JWT_SECRET change always did; sessions refresh). Such a key signs at once; an
   * instance that meets its kid first reads the keys again.
   */
  async ensureSigner(): Promise<void> {
    if (!this.needsSigner(await listLiveSigningKeys(this.db, new Date(this.clock())))) return;
    await this.writer.run(async (tx) => {
      await lockSigningKeys(tx.db);
      // Another instance may have created it while this one waited for the lock.
      if (!this.needsSigner(await listLiveSigningKeys(tx.db, new Date(this.clock())))) return;
      const now = new Date(this.clock());
      await this.rotateLocked(tx, now, now, null, `first ${this.policy.algorithm} signing key`);
    });
  }

  /** Publishes a new key as NEXT now; it signs `publishSeconds` later, when the current one retires. */
  async rotate(actorId: string | null, why = 'rotated by an administrator'): Promise<SigningKeyRow> {
    const key = await this.writer.run(async (tx) => {
      await lockSigningKeys(tx.db);
      const now = new Date(this.clock());
      return this.rotateLocked(tx, now, new Date(now.getTime() + this.policy.publishSeconds * 1000), actorId, why);
    });
    await this.ring.reload();
    return key;
  }

  /** Rotates when the newest key is older than SIGNING_KEY_ROTATION_DAYS; checked on a timer by every instance. */
  async rotateIfDue(): Promise<boolean> {
    if (this.policy.rotationDays === 0) return false;
    const dueBefore = this.clock() - this.policy.rotationDays * DAY_MS;
    const newest = this.ring.newestActivationMs();
    if (newest === null || newest > dueBefore) return false;
    const rotated = await this.writer.run(async (tx) => {
      await lockSigningKeys(tx.db);
      const keys = await listLiveSigningKeys(tx.db, new Date(this.clock()));
      // Re-read under the lock: another instance may have rotated for this same schedule.
      if (keys.some((key) => key.revokedAt === null && key.activatedAt.getTime() > dueBefore)) return false;
      const now = new Date(this.clock());
      const activatesAt = new Date(now.getTime() + this.policy.publishSeconds * 1000);
      await this.rotateLocked(
        tx,
        now,
        activatesAt,
        null,
        `scheduled rotation (every ${this.policy.rotationDays} days)`,
      );
      return true;
    });
    if (rotated) await this.ring.reload();
    return rotated;
  }

  /**
   * Refuses every token the key signed, on every instance, through the revocation notices. A key
   * that signs now (or would later) is replaced first by one that signs at once, so that sign-ins
   * and refreshes go on under the new key.
   */
  async revoke(kid: string, reason: string | null | undefined, actorId: string | null): Promise<SigningKeyRow> {
    if (kid.length > MAX_KID_LENGTH || !isStorableText(kid)) throw notFound(`No signing key with kid ${kid}.`);
    const why = normalizeReason(reason, 'signing key revoked by an administrator');
    const key = await this.writer.run(async (tx) => {
      await lockSigningKeys(tx.db);
      const found = await findSigningKey(tx.db, kid);
      if (!found) throw notFound(`No signing key with kid ${kid}.`);
      if (found.revokedAt !== null) return found;
      const now = new Date(this.clock());
      if (signsFrom(found, now.getTime()))
        await this.rotateLocked(tx, now, now, actorId, `replaces revoked key ${kid}`);
      const revoked = await markSigningKeyRevoked(tx.db, kid, now, why);
      if (!revoked) throw new Error(`signing key ${kid} vanished while being revoked`);
      tx.announce({
        reason: why,
        actorId,
        jtis: [],
        cutoffs: [],
        sessions: [],
        keys: [[kid, now.getTime()]],
        signingKeysChanged: true,
      });
      await recordAudit(tx.db, { at: now, action: AuditAction.SIGNING_KEY_REVOKED, actorId, reason: `${kid}: ${why}` });
      return revoked;
    });
    await this.ring.reload();
    return key;
  }

  private needsSigner(keys: SigningKeyRow[]): boolean {
    const now = this.clock();
    const signing = keys.filter((key) => signsFrom(key, now) && this.opens(key));
    return (
      !signing.some((key) => key.activatedAt.getTime() <= now) ||
      !signing.some((key) => key.algorithm === this.policy.algorithm)
    );
  }

  private opens(key: SigningKeyRow): boolean {
    try {
      unsealSecret(this.policy.kek, key.kid, key.sealedSecret);
      return true;
    } catch {
      return false;
    }
  }

  private async rotateLocked(
    tx: RevokingTx,
    now: Date,
    activatesAt: Date,
    actorId: string | null,
    why: string,
  ): Promise<SigningKeyRow> {
    const retired = await retireSignersAt(tx.db, activatesAt);
    const kid = randomBytes(12).toString('base64url');
    const { secret, publicJwk } = generateKeyMaterial(this.policy.algorithm);
    const key = await insertSigningKey(tx.db, {
      kid,
      algorithm: this.policy.algorithm,
      sealedSecret: sealSecret(this.policy.kek, kid, secret),
      publicJwk,
      createdAt: now,
      activatedAt: activatesAt,
      retiredAt: null,
      revokedAt: null,
      revokedReason: null,
    });
    tx.announce({ reason: null, actorId, jtis: [], cutoffs: [], sessions: [], signingKeysChanged: true });
    const retiring = retired.length > 0 ? `; retires ${retired.join(', ')}` : '';
    await recordAudit(tx.db, {
      at: now,
      action: AuditAction.SIGNING_KEY_ROTATED,
      actorId,
      reason: `${why}: ${kid} signs from ${activatesAt.toISOString()}${retiring}`,
    });
    return key;
  }
}
