import { ConfigError, flag, optionalText, type Env } from './env';

export const MIN_PASSWORD_LENGTH = 12;

export interface AdminConfig {
  /** The administrator created at start when missing. */
  admin: { email: string; password: string } | undefined;
  /**
   * Production only: Sandbox on `GET /graphql`, and introspection for ADMIN tokens. Development
   * serves both to everyone whatever it says.
   * @default false
   */
  adminSandbox: boolean;
  /**
   * Administrators without a second factor are refused on every ADMIN field (MFA_ENROLLMENT_REQUIRED).
   * @default false
   */
  adminRequireMfa: boolean;
}

function admin(env: Env): AdminConfig['admin'] {
  const email = optionalText(env, 'ADMIN_EMAIL');
  const password = env.ADMIN_PASSWORD === '' ? undefined : env.ADMIN_PASSWORD;
  if (email === undefined && password === undefined) return undefined;
  if (email === undefined) throw new ConfigError('ADMIN_EMAIL', 'is required when ADMIN_PASSWORD is set');
  if (password === undefined) throw new ConfigError('ADMIN_PASSWORD', 'is required when ADMIN_EMAIL is set');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new ConfigError('ADMIN_EMAIL', `is not an email address: "${email}"`);
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new ConfigError('ADMIN_PASSWORD', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  return { email: email.toLowerCase(), password };
}

export function adminConfig(env: Env): AdminConfig {
  return {
    admin: admin(env),
    adminSandbox: flag(env, 'ADMIN_SANDBOX', false),
    adminRequireMfa: flag(env, 'ADMIN_REQUIRE_MFA', false),
  };
}
