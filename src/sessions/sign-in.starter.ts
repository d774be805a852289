import type { Authentication } from '../auth/authentication';
import type { Database } from '../db/database';
import type { UserRow } from '../db/schema';
import type { SessionTokenIssuer, SessionTokens, SignInOrigin } from './session-tokens';

/** What a sign-in tells the account's owner (the new-device notice), which lives in accounts/ and imports this domain. */
export interface SignInAnnouncer {
  /** In the sign-in's transaction: the device is recorded, and a new one announced; whether mail was queued. */
  signedIn(tx: Database, user: UserRow, now: Date, origin: SignInOrigin): Promise<boolean>;
  /** After a commit that queued mail. */
  committed(): void;
}

/** A session started or renewed, and whether account mail was queued with it (the sender is woken after the commit). */
export interface SignedIn {
  session: SessionTokens;
  mailed: boolean;
}

/**
 * Starts the session of a sign-in, by password, second factor or passkey alike, and announces a
 * new device. Not register's: that is no sign-in.
 */
export class SignInStarter {
  constructor(
    private readonly issuer: SessionTokenIssuer,
    private readonly announcer: SignInAnnouncer,
  ) {}

  /** In the sign-in's transaction. */
  async start(
    tx: Database,
    user: UserRow,
    now: Date,
    origin: SignInOrigin,
    authentication?: Authentication,
  ): Promise<SignedIn> {
    const session = await this.issuer.startSession(tx, user, now, origin, authentication);
    const mailed = await this.announcer.signedIn(tx, user, now, origin);
    return { session, mailed };
  }

  /** Once the sign-in's transaction has committed: wakes the mail sender if a notice was queued. */
  committed(signedIn: SignedIn): SessionTokens {
    if (signedIn.mailed) this.announcer.committed();
    return signedIn.session;
  }
}
