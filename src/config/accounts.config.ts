import { ConfigError, DAY, flag, integer, optionalText, optionalUrl, text, type Env } from './env';
import type { LoginThrottleConfig } from './sessions.config';

/** Where mail goes out and where its links point. */
export interface MailConfig {
  /** A nodemailer transport URL; undefined sends nothing (logged in development, refused in production). */
  smtpUrl: string | undefined;
  /** The From header: `Name <address>` or a bare address. */
  from: string;
  /** The page a reset link opens; the token goes in its fragment. */
  passwordResetUrl: string;
  /** The page a verification link opens; the token goes in its fragment. */
  emailVerificationUrl: string;
  /** The frontend, where a new sign-in notice sends the reader to see and end sessions; unset in production without APP_URL. */
  appUrl: string | undefined;
}

/** Mail, and the account flows that send it. */
export interface AccountsConfig {
  mail: MailConfig;
  passwordResetTtlSeconds: number;
  emailVerificationTtlSeconds: number;
  /** Whether an account must have opened its verification link before it gets tokens. */
  requireVerifiedEmail: boolean;
  /** Whether a sign-in from a device not seen in the last 90 days mails the account a notice. */
  notifyNewSignIn: boolean;
  /** How often one email, and one client address, may ask for a mail (reset, and later verification). */
  mailRequestThrottle: LoginThrottleConfig;
  /** The name an authenticator app shows beside the account (the `issuer` of the otpauth URI). */
  mfaIssuer: string;
}

/** The example web app's dev server: links work on a fresh clone. */
const DEVELOPMENT_APP_URL = 'http://127.0.0.1:5173';
const DEVELOPMENT_FROM = 'Token Warden <no-reply@localhost>';

/** A mail request is always counted: each sends a mail, so only a few an hour are ever useful. */
const MAIL_REQUEST_THROTTLE: LoginThrottleConfig = {
  windowSeconds: 3600,
  maxDelaySeconds: 60,
  email: { freeFailures: 3, maxFailures: 5 },
  address: { freeFailures: 20, maxFailures: 50 },
};

const MAILBOX = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

function from(env: Env, required: boolean): string {
  const raw = optionalText(env, 'MAIL_FROM');
  if (raw === undefined) {
    if (required) throw new ConfigError('MAIL_FROM', 'is required when SMTP_URL is set in production');
    return DEVELOPMENT_FROM;
  }
  const named = /^([^<>\r\n]*)<([^<>\s]+)>$/.exec(raw);
  const address = named ? named[2] : raw;
  if (address === undefined || !MAILBOX.test(address)) {
    throw new ConfigError('MAIL_FROM', `must be an address or "Name <address>", got "${raw}"`);
  }
  return raw;
}

/** An http(s) page URL a token fragment is appended to, so it may carry no fragment of its own. */
function pageUrl(env: Env, name: string, fallback: string | undefined): string | undefined {
  const url = optionalUrl(env, name, ['http:', 'https:']) ?? fallback;
  if (url !== undefined && url.includes('#')) throw new ConfigError(name, 'must not have a fragment (#…)');
  return url;
}

function linkUrl(env: Env, name: string, appUrl: string | undefined, path: string): string {
  const url = pageUrl(env, name, appUrl === undefined ? undefined : `${appUrl.replace(/\/+$/, '')}${path}`);
  if (url === undefined)
    throw new ConfigError('APP_URL', `is required (or ${name}) when SMTP_URL is set in production`);
  return url;
}

function requireVerifiedEmail(env: Env, production: boolean, smtpUrl: string | undefined): boolean {
  const required = flag(env, 'REQUIRE_VERIFIED_EMAIL', false);
  // Without a way to send the link, nobody who registers could ever sign in.
  if (required && production && smtpUrl === undefined) {
    throw new ConfigError('REQUIRE_VERIFIED_EMAIL', 'needs SMTP_URL in production: no verification link could be sent');
  }
  return required;
}

const MAX_ISSUER_LENGTH = 100;

/** The Key Uri Format puts the issuer before a colon in the label: a colon of its own would split it. */
function mfaIssuer(env: Env): string {
  const issuer = text(env, 'MFA_ISSUER', 'Token Warden');
  if (issuer.includes(':')) throw new ConfigError('MFA_ISSUER', `must not contain a colon, got "${issuer}"`);
  if (
    issuer.length > MAX_ISSUER_LENGTH ||
    Array.from({ length: issuer.length }, (_, i) => issuer.charCodeAt(i)).some((code) => code < 0x20)
  ) {
    throw new ConfigError('MFA_ISSUER', `must be at most ${MAX_ISSUER_LENGTH} printable characters`);
  }
  return issuer;
}

export function accountsConfig(env: Env, production: boolean): AccountsConfig {
  const smtpUrl = optionalUrl(env, 'SMTP_URL', ['smtp:', 'smtps:']);
  // In production a link must point at the real frontend; a guessed one would mail a dead link.
  const strict = production && smtpUrl !== undefined;
  const appUrl = pageUrl(env, 'APP_URL', strict ? undefined : DEVELOPMENT_APP_URL);
  return {
    mail: {
      smtpUrl,
      from: from(env, strict),
      passwordResetUrl: linkUrl(env, 'PASSWORD_RESET_URL', appUrl, '/reset-password'),
      emailVerificationUrl: linkUrl(env, 'EMAIL_VERIFICATION_URL', appUrl, '/verify-email'),
      appUrl,
    },
    passwordResetTtlSeconds: integer(env, 'PASSWORD_RESET_TTL_SECONDS', 1800, 300, DAY),
    // Longer than a reset link: proving an address is less urgent, and mail can wait in a queue for days.
    emailVerificationTtlSeconds: integer(env, 'EMAIL_VERIFICATION_TTL_SECONDS', DAY, 300, 7 * DAY),
    requireVerifiedEmail: requireVerifiedEmail(env, production, smtpUrl),
    notifyNewSignIn: flag(env, 'NOTIFY_NEW_SIGN_IN', false),
    mailRequestThrottle: MAIL_REQUEST_THROTTLE,
    mfaIssuer: mfaIssuer(env),
  };
}
