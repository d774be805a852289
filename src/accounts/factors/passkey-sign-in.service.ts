import { Buffer } from 'node:buffer';
import { createHmac, randomUUID } from 'node:crypto';
import { AuditAction } from '../../audit/audit-action';
import { recordAudit } from '../../audit/audit.trail';
import type { Viewer } from '../../auth/viewer';
import type { Database } from '../../db/database';
import type { PasskeyRow } from '../../db/schema';
import { emailNotVerified, forbidden } from '../../errors';
import type { SignedIn, SignInStarter } from '../../sessions/sign-in.starter';
import type { SessionTokenIssuer, SessionTokens, SignInOrigin } from '../../sessions/session-tokens';
import { normalizeEmail } from '../../users/credentials';
import type { UserService } from '../../users/user.service';
import { isBase64Url, passkeyMethods, userHandleOf, type PasskeyCeremonies } from './passkey.ceremony';
import { webauthn, type AuthenticationResponseJSON } from './webauthn.library';
import { findPasskeyByCredentialId, listPasskeys, recordPasskeyUse } from './passkey.store';

export interface PasskeySignInOptions {
  /** Keys the stand-in credential ids of unknown addresses: stable per address, unguessable. */
  decoyKey: Buffer;
  /** REQUIRE_VERIFIED_EMAIL: no tokens for an account whose address is not verified. */
  requireVerifiedEmail: boolean;
}

/** Signing in with a passkey, without a password: a user-verified passkey is two factors by itself. */
export class PasskeySignInService {
  constructor(
    private readonly db: Database,
    private readonly users: UserService,
    private readonly issuer: SessionTokenIssuer,
    private readonly starter: SignInStarter,
    private readonly ceremonies: PasskeyCeremonies,
    private readonly options: PasskeySignInOptions,
  ) {}

  /**
   * Request options. Without an email, any discoverable passkey of this relying party may answer.
   * With one, the account's passkeys are allowed; an unknown address, or an account without
   * passkeys, gets one stand-in id derived from the address, so the answer tells nobody which
   * addresses have accounts.
   */
  async start(email: string | null | undefined): Promise<Record<string, unknown>> {
    let allowCredentials: Array<{ id: string }> = [];
    let userId: string | null = null;
    if (email !== null && email !== undefined) {
      const normalized = normalizeEmail(email);
      const user = await this.users.findByEmail(normalized);
      // For an unknown address, an id no account has: the same queries, and a finish that fails.
      userId = user?.id ?? randomUUID();
      const passkeys = await listPasskeys(this.db, userId);
      allowCredentials =
        passkeys.length > 0
          ? passkeys.map((passkey) => ({ id: passkey.credentialId }))
          : [{ id: this.decoyCredentialId(normalized) }];
    }
    const { generateAuthenticationOptions } = await webauthn();
    const options = await generateAuthenticationOptions({
      rpID: this.ceremonies.relyingParty.rpId,
      allowCredentials,
      userVerification: 'required',
    });
    await this.ceremonies.remember(options.challenge, 'sign_in', userId);
    return { ...options };
  }

  /**
   * Verifies the assertion and starts a session whose `amr` says a passkey was used. With `viewer`
   * (a bearer token came with the request) it is a step-up of that session instead, and only that
   * user's own passkey may answer.
   */
  async finish(response: Record<string, unknown>, origin: SignInOrigin, viewer: Viewer | null): Promise<SessionTokens> {
    const challenge = await this.ceremonies.take(response, 'sign_in');
    const passkey = isBase64Url(response.id) ? await findPasskeyByCredentialId(this.db, response.id) : undefined;
    if (!passkey) throw this.ceremonies.refuse('unknown credential', {});
    const details = { userId: passkey.userId, passkeyId: passkey.id };
    if (challenge.userId !== null && challenge.userId !== passkey.userId) {
      throw this.ceremonies.refuse('credential of another account than the one named', details);
    }
    if (viewer && viewer.userId !== passkey.userId) {
      throw this.ceremonies.refuse('credential of another account than the signed-in one', details);
    }
    if (!this.userHandleMatches(response, passkey)) {
      throw this.ceremonies.refuse('user handle of another account', details);
    }
    const { newCounter, credentialBackedUp, credentialDeviceType } = await this.verify(
      response,
      challenge.challenge,
      passkey,
    );
    // Counters only go up; an authenticator that keeps none sends 0 every time (WebAuthn §6.1.1).
    if ((passkey.counter > 0 || newCounter > 0) && newCounter <= passkey.counter) {
      await recordAudit(this.db, {
        at: this.ceremonies.now(),
        action: AuditAction.PASSKEY_COUNTER_ROLLBACK,
        targetUserId: passkey.userId,
        reason: `passkey ${passkey.id} "${passkey.name}": counter ${newCounter} after ${passkey.counter}; possibly a cloned authenticator`,
      });
      throw this.ceremonies.refuse('signature counter went backwards', {
        ...details,
        newCounter,
        counter: passkey.counter,
      });
    }
    const signedIn = await this.db.transaction(async (tx): Promise<SignedIn> => {
      const user = await this.users.lockForSession(tx, passkey.userId);
      if (!user || user.disabled) throw forbidden('This account is disabled.');
      if (this.options.requireVerifiedEmail && !user.emailVerified) throw emailNotVerified();
      const now = this.ceremonies.now();
      const used = await recordPasskeyUse(tx, passkey, { counter: newCounter, backedUp: credentialBackedUp, at: now });
      if (!used) throw this.ceremonies.refuse('passkey removed or used meanwhile', details);
      const authentication = {
        at: now,
        methods: passkeyMethods({ backedUp: credentialBackedUp, deviceType: credentialDeviceType }),
      };
      await recordAudit(tx, {
        at: now,
        action: AuditAction.LOGGED_IN,
        actorId: user.id,
        targetUserId: user.id,
        targetSessionId: viewer?.sessionId ?? null,
        reason: viewer ? `step-up with passkey "${passkey.name}"` : `passkey "${passkey.name}"`,
      });
      if (viewer) {
        return { session: await this.issuer.reauthenticate(tx, user, viewer.sessionId, authentication), mailed: false };
      }
      return this.starter.start(tx, user, now, origin, authentication);
    });
    return this.starter.committed(signedIn);
  }

  private async verify(response: Record<string, unknown>, expectedChallenge: string, passkey: PasskeyRow) {
    const { rpId, origins } = this.ceremonies.relyingParty;
    try {
      const { verifyAuthenticationResponse } = await webauthn();
      const verified = await verifyAuthenticationResponse({
        response: response as unknown as AuthenticationResponseJSON,
        expectedChallenge,
        expectedOrigin: [...origins],
        expectedRPID: rpId,
        // The counter is compared below instead, so that a rollback can be told apart and audited.
        credential: { id: passkey.credentialId, publicKey: Buffer.from(passkey.publicKey, 'base64url'), counter: 0 },
        requireUserVerification: true,
      });
      if (verified.verified) return verified.authenticationInfo;
    } catch (error) {
      throw this.ceremonies.refuse('assertion refused', { userId: passkey.userId, passkeyId: passkey.id, err: error });
    }
    throw this.ceremonies.refuse('assertion not verified', { userId: passkey.userId, passkeyId: passkey.id });
  }

  /** A discoverable credential says whose it is; it must say the account it is registered to. */
  private userHandleMatches(response: Record<string, unknown>, passkey: PasskeyRow): boolean {
    const inner = response.response as Record<string, unknown> | undefined;
    const handle = inner?.userHandle;
    if (handle === undefined || handle === null || handle === '') return true;
    return handle === Buffer.from(userHandleOf(passkey.userId)).toString('base64url');
  }

  private decoyCredentialId(email: string): string {
    return createHmac('sha256', this.options.decoyKey).update(`passkey decoy\0${email}`).digest('base64url');
  }
}
