/**
 * RFC 8176 authentication method references this service issues: `pwd` a password, `otp` a
 * one-time code, `mfa` more than one factor, `hwk`/`swk` a hardware- or software-bound key (a
 * passkey), `user` user presence and verification on that key.
 */
export const AUTH_METHODS = ['pwd', 'otp', 'mfa', 'hwk', 'swk', 'user'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** When and how the person behind a session last proved who they are; tokens carry it as `auth_time` and `amr`. */
export interface Authentication {
  at: Date;
  methods: readonly AuthMethod[];
}

export const isAuthMethod = (value: unknown): value is AuthMethod =>
  typeof value === 'string' && (AUTH_METHODS as readonly string[]).includes(value);

export const byPassword = (at: Date): Authentication => ({ at, methods: ['pwd'] });
