import { Buffer } from 'node:buffer';
import { AuditAction } from '../../audit/audit-action';
import type { Viewer } from '../../auth/viewer';
import type { Database } from '../../db/database';
import type { PasskeyRow } from '../../db/schema';
import { isStorableText } from '../../db/storable-text';
import { badUserInput, notFound, unauthenticated } from '../../errors';
import type { RevocationWriter } from '../../revocation/revocation.feed';
import type { UserService } from '../../users/user.service';
import type { MailService } from '../mail/mail.service';
import { passkeyChangedMail } from '../mail/mail.templates';
import { factorChanged } from './factor-changed';
import { userHandleOf, type PasskeyCeremonies } from './passkey.ceremony';
import { deletePasskey, insertPasskey, listPasskeys } from './passkey.store';
import { webauthn, type RegistrationResponseJSON } from './webauthn.library';

export const MAX_PASSKEY_NAME_LENGTH = 64;
const DEFAULT_NAME = 'Passkey';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Adding, listing and removing a signed-in user's passkeys. */
export class PasskeyService {
  constructor(
    private readonly db: Database,
    private readonly users: UserService,
    private readonly writer: RevocationWriter,
    private readonly mail: MailService,
    private readonly ceremonies: PasskeyCeremonies,
  ) {}

  /** Creation options: user verification required, a discoverable key preferred, the user's own keys excluded. */
  async startRegistration(viewer: Viewer): Promise<Record<string, unknown>> {
    const user = await this.users.findById(viewer.userId);
    if (!user) throw unauthenticated();
    const existing = await listPasskeys(this.db, user.id);
    const { rpId, rpName } = this.ceremonies.relyingParty;
    const { generateRegistrationOptions } = await webauthn();
    const options = await generateRegistrationOptions({
      rpName,
      rpID: rpId,
      userName: user.email,
      userID: userHandleOf(user.id),
      attestationType: 'none',
      excludeCredentials: existing.map((passkey) => ({
        id: passkey.credentialId,
        transports: passkey.transports,
      })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    });
    await this.ceremonies.remember(options.challenge, 'registration', user.id);
    return { ...options };
  }

  /**
   * Verifies the authenticator's answer to this user's own challenge and stores the passkey; every
   * other session of the user ends, since whoever holds them could have added it.
   */
  async finishRegistration(
    viewer: Viewer,
    response: Record<string, unknown>,
    name: string | null | undefined,
  ): Promise<PasskeyRow> {
    const label = (name ?? '').trim() || DEFAULT_NAME;
    if (label.length > MAX_PASSKEY_NAME_LENGTH || !isStorableText(label)) {
      throw badUserInput(
        `A passkey name has at most ${MAX_PASSKEY_NAME_LENGTH} characters, and no NUL or lone surrogate.`,
      );
    }
    const challenge = await this.ceremonies.take(response, 'registration');
    if (challenge.userId !== viewer.userId) {
      throw this.ceremonies.refuse('registration challenge of another user', { userId: viewer.userId });
    }
    const { rpId, origins } = this.ceremonies.relyingParty;
    const { verifyRegistrationResponse } = await webauthn();
    let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      verified = await verifyRegistrationResponse({
        response: response as unknown as RegistrationResponseJSON,
        expectedChallenge: challenge.challenge,
        expectedOrigin: [...origins],
        expectedRPID: rpId,
        requireUserVerification: true,
      });
    } catch (error) {
      throw this.ceremonies.refuse('registration response refused', { userId: viewer.userId, err: error });
    }
    const info = verified.registrationInfo;
    if (!verified.verified || !info) {
      throw this.ceremonies.refuse('registration response not verified', { userId: viewer.userId });
    }
    const passkey = await this.writer.run(async (revoking) => {
      const tx = revoking.db;
      const user = await this.users.lockForChange(tx, viewer.userId);
      if (!user || user.disabled) throw unauthenticated();
      const now = this.ceremonies.now();
      const row = await insertPasskey(tx, {
        userId: user.id,
        credentialId: info.credential.id,
        publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
        counter: info.credential.counter,
        transports: info.credential.transports ?? [],
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        name: label,
        createdAt: now,
      });
      if (!row) throw this.ceremonies.refuse('credential registered already', { userId: user.id });
      await factorChanged(revoking, this.mail, {
        user,
        sessionId: viewer.sessionId,
        action: AuditAction.PASSKEY_ADDED,
        now,
        reason: `"${label}"`,
        notice: (recipient) => passkeyChangedMail(recipient, 'added', label),
      });
      return row;
    });
    this.mail.committed();
    return passkey;
  }

  list(viewer: Viewer): Promise<PasskeyRow[]> {
    return listPasskeys(this.db, viewer.userId);
  }

  /** Another user's passkey answers NOT_FOUND, as an unknown one does. */
  async remove(viewer: Viewer, id: string): Promise<true> {
    const missing = () => notFound('No such passkey.');
    if (!UUID.test(id)) throw missing();
    await this.writer.run(async (revoking) => {
      const tx = revoking.db;
      const user = await this.users.lockForChange(tx, viewer.userId);
      if (!user) throw unauthenticated();
      const removed = await deletePasskey(tx, id, user.id);
      if (!removed) throw missing();
      await factorChanged(revoking, this.mail, {
        user,
        sessionId: viewer.sessionId,
        action: AuditAction.PASSKEY_REMOVED,
        now: this.ceremonies.now(),
        reason: `"${removed.name}"`,
        notice: (recipient) => passkeyChangedMail(recipient, 'removed', removed.name),
      });
    });
    this.mail.committed();
    return true;
  }
}
