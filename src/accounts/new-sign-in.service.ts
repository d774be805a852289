import type { Clock } from '../clock';
import type { Database } from '../db/database';
import type { UserRow } from '../db/schema';
import { signInUserAgent, type SignInOrigin } from '../sessions/session-tokens';
import { deviceFingerprint, KNOWN_DEVICE_DAYS, KNOWN_DEVICE_MS } from './known-device';
import { deleteStaleDevices, sightDevice } from './known-device.store';
import type { MailService } from './mail/mail.service';
import { newSignInMail } from './mail/mail.templates';

export interface NewSignInOptions {
  /** NOTIFY_NEW_SIGN_IN. */
  enabled: boolean;
  appUrl: string | undefined;
}

/** Remembers the devices each account signs in from, and mails the account when a new one does. */
export class NewSignInService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly mail: MailService,
    private readonly options: NewSignInOptions,
  ) {}

  /**
   * In a sign-in's transaction: records the device, and queues the notice when it is new. Devices
   * are recorded with the notice off too, so turning it on does not announce every device at once.
   * Returns whether mail was queued.
   */
  async signedIn(tx: Database, user: UserRow, now: Date, origin: SignInOrigin): Promise<boolean> {
    const userAgent = signInUserAgent(origin);
    const known = await this.sight(tx, user.id, now, userAgent, origin.clientAddress);
    // Production without SMTP: nothing could send it.
    if (known || !this.options.enabled || !this.mail.available) return false;
    const signIn = { userAgent, clientAddress: origin.clientAddress, at: now, appUrl: this.options.appUrl };
    await this.mail.enqueue(tx, newSignInMail(user.email, signIn, KNOWN_DEVICE_DAYS));
    return true;
  }

  /** In register's transaction: the device that made the account is known, so its first sign-in is not news. */
  async registered(tx: Database, user: UserRow, now: Date, origin: SignInOrigin): Promise<void> {
    await this.sight(tx, user.id, now, signInUserAgent(origin), origin.clientAddress);
  }

  purgeStale(): Promise<number> {
    return deleteStaleDevices(this.db, new Date(this.clock() - KNOWN_DEVICE_MS));
  }

  private sight(tx: Database, userId: string, now: Date, userAgent: string | null, address: string): Promise<boolean> {
    return sightDevice(tx, {
      userId,
      fingerprint: deviceFingerprint(userId, userAgent, address),
      now,
      knownSince: new Date(now.getTime() - KNOWN_DEVICE_MS),
    });
  }
}
