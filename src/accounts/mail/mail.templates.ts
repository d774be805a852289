/** A message ready for the outbox: short and plain, a text part and an HTML part saying the same. */
export interface MailMessage {
  kind: MailKind;
  recipient: string;
  subject: string;
  text: string;
  html: string;
  /** The link the message carries, if any: logged instead of sent in development without SMTP. */
  link: string | null;
}

export const MAIL_KINDS = [
  'password_reset',
  'password_changed',
  'email_verification',
  'email_change_requested',
  'email_in_use',
  'email_changed',
  'new_sign_in',
  'mfa_changed',
  'passkey_changed',
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

const escapeHtml = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Paragraphs become text lines and <p> elements; a link becomes its own line and an <a>. */
function render(paragraphs: Array<string | { url: string; label: string }>): { text: string; html: string } {
  const text = paragraphs.map((part) => (typeof part === 'string' ? part : part.url)).join('\n\n');
  const body = paragraphs
    .map((part) =>
      typeof part === 'string'
        ? `<p>${escapeHtml(part)}</p>`
        : `<p><a href="${escapeHtml(part.url)}">${escapeHtml(part.label)}</a></p>`,
    )
    .join('\n');
  return { text: `${text}\n`, html: `<!doctype html>\n<html><body>\n${body}\n</body></html>\n` };
}

export function passwordResetMail(recipient: string, link: string, validMinutes: number): MailMessage {
  return {
    kind: 'password_reset',
    recipient,
    subject: 'Reset your password',
    link,
    ...render([
      'Someone asked to reset the password of the account with this address.',
      `To choose a new password, open this link within ${validMinutes} minutes. It works once.`,
      { url: link, label: 'Choose a new password' },
      'If it was not you, ignore this message: your password stays as it is.',
    ]),
  };
}

/** After a reset from a mailed link, or a change made by a signed-in device, which stays signed in. */
export function passwordChangedMail(recipient: string, how: 'reset' | 'changed'): MailMessage {
  const what =
    how === 'reset'
      ? [
          'The password of the account with this address was just reset, and every device signed in to it was signed out.',
          'Sign in again with the new password.',
          'If it was not you, reset the password again at once from the sign-in page, and tell your administrator.',
        ]
      : [
          'The password of the account with this address was just changed from a signed-in device, and every other device signed in to it was signed out.',
          'If it was not you, reset the password at once from the sign-in page, and tell your administrator.',
        ];
  return { kind: 'password_changed', recipient, subject: 'Your password was changed', link: null, ...render(what) };
}

export function emailVerificationMail(recipient: string, link: string, validHours: number): MailMessage {
  return {
    kind: 'email_verification',
    recipient,
    subject: 'Verify your email address',
    link,
    ...render([
      'An account was created with this address, or asked to prove it again.',
      `To confirm that the address is yours, open this link within ${validHours} hours. It works once.`,
      { url: link, label: 'Verify this address' },
      'If it was not you, ignore this message: the address stays unverified.',
    ]),
  };
}

/** To the new address of a change: the link that applies it. */
export function emailChangeVerificationMail(recipient: string, link: string, validHours: number): MailMessage {
  return {
    kind: 'email_verification',
    recipient,
    subject: 'Confirm your new email address',
    link,
    ...render([
      'Someone asked to make this the address of their account.',
      `To confirm that the address is yours and make the change, open this link within ${validHours} hours. It works once.`,
      { url: link, label: 'Confirm this address' },
      'If it was not you, ignore this message: nothing changes.',
    ]),
  };
}

/** To the old address when a change is asked for. */
export function emailChangeRequestedMail(recipient: string, newAddress: string): MailMessage {
  return {
    kind: 'email_change_requested',
    recipient,
    subject: 'A change of your email address was asked for',
    link: null,
    ...render([
      `Someone signed in to the account with this address asked to change it to ${newAddress}.`,
      'The change applies only once that address is confirmed from the link mailed to it.',
      'If it was not you, change your password at once and sign out every device, and tell your administrator.',
    ]),
  };
}

/** To the owner of an address another account asked to change to: a notice instead of a link. */
export function emailInUseMail(recipient: string): MailMessage {
  return {
    kind: 'email_in_use',
    recipient,
    subject: 'Someone tried to use your email address',
    link: null,
    ...render([
      'Someone asked to make this address the address of another account. It already belongs to yours, so nothing changed.',
      'If it was you, sign in with this address instead.',
      'If it was not you, ignore this message: your account is as it was.',
    ]),
  };
}

/** To the old address once a change has applied. */
export function emailChangedMail(recipient: string, newAddress: string): MailMessage {
  return {
    kind: 'email_changed',
    recipient,
    subject: 'Your email address was changed',
    link: null,
    ...render([
      `The address of your account is now ${newAddress}, and every other device signed in to it was signed out.`,
      'Mail about the account goes to the new address from now on.',
      'If it was not you, reset your password from the sign-in page at once, and tell your administrator.',
    ]),
  };
}

export interface SignInDescription {
  /** The User-Agent the sign-in sent, if any. */
  userAgent: string | null;
  clientAddress: string;
  at: Date;
  /** The frontend, where the sessions can be seen and ended; undefined when it is not configured. */
  appUrl: string | undefined;
}

/** To the account's address, after a sign-in from a device it was not used from lately. */
export function newSignInMail(recipient: string, signIn: SignInDescription, knownDays: number): MailMessage {
  const at = signIn.at.toISOString();
  const where = 'see the devices signed in to your account and sign out the ones that are not yours';
  return {
    kind: 'new_sign_in',
    recipient,
    subject: 'New sign-in to your account',
    link: signIn.appUrl ?? null,
    ...render([
      `Your account was just signed in to from a device or network it was not used from in the last ${knownDays} days.`,
      `Device: ${signIn.userAgent ?? 'unknown (no user agent sent)'}`,
      `Address: ${signIn.clientAddress}`,
      `Time: ${at.slice(0, 10)} ${at.slice(11, 19)} UTC`,
      'If it was you, there is nothing to do.',
      `If it was not you, sign in${signIn.appUrl === undefined ? '' : ' at the link below'} to ${where}, then change your password at once and tell your administrator.`,
      ...(signIn.appUrl === undefined ? [] : [{ url: signIn.appUrl, label: 'See your sessions' }]),
    ]),
  };
}

/** To the account's address when its second factors change: what changed, and that other devices were signed out. */
export function mfaChangedMail(recipient: string, change: string): MailMessage {
  return {
    kind: 'mfa_changed',
    recipient,
    subject: 'The second factors of your account changed',
    link: null,
    ...render([
      `${change} Every other device signed in to the account was signed out.`,
      'If it was not you, reset your password from the sign-in page at once, and tell your administrator.',
    ]),
  };
}

/** To the account's address when a passkey was added or removed. */
export function passkeyChangedMail(recipient: string, change: 'added' | 'removed', name: string): MailMessage {
  return {
    kind: 'passkey_changed',
    recipient,
    subject: change === 'added' ? 'A passkey was added to your account' : 'A passkey was removed from your account',
    link: null,
    ...render([
      `The passkey "${name}" was ${change === 'added' ? 'added to' : 'removed from'} the account with this address, and every other device signed in to it was signed out.`,
      'If it was not you, reset your password from the sign-in page at once, remove any passkey you do not know, and tell your administrator.',
    ]),
  };
}
