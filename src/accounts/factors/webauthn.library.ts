import type * as SimpleWebAuthn from '@simplewebauthn/server' with { 'resolution-mode': 'import' };

export type {
  AuthenticationResponseJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server' with { 'resolution-mode': 'import' };

let loaded: Promise<typeof SimpleWebAuthn> | undefined;

/**
 * `@simplewebauthn/server`, loaded at the first passkey ceremony: it is half a second of module
 * loading that a process (or a test file) without passkeys never needs.
 */
export const webauthn = (): Promise<typeof SimpleWebAuthn> => (loaded ??= import('@simplewebauthn/server'));
