import { sql, type InferSelectModel } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { AuthMethod } from '../auth/authentication';
import { Role, ROLES } from '../auth/role';

/** Millisecond precision: a revocation cutoff must be comparable with a token issued in the same second. */
const moment = (name: string) => timestamp(name, { precision: 3, withTimezone: true, mode: 'date' });

export const roleEnum = pgEnum('role', ROLES);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull().unique(),
    passwordHash: text('password_hash').notNull(),
    role: roleEnum('role').notNull().default(Role.USER),
    disabled: boolean('disabled').notNull().default(false),
    /** The owner proved they read mail at `email`; an operator-made account counts as proven. */
    emailVerified: boolean('email_verified').notNull().default(false),
    /** Every access token issued at or before this instant is revoked. */
    tokensValidAfter: moment('tokens_valid_after'),
    /** Why the cutoff was last raised, shown to a client whose token it revokes. */
    tokensRevokedReason: text('tokens_revoked_reason'),
    createdAt: moment('created_at').notNull().defaultNow(),
  },
  // Trigrams let `email ilike '%part%'` use an index: a substring search stays fast at a million users.
  (table) => [index('users_email_trgm_idx').using('gin', table.email.op('gin_trgm_ops'))],
);

/** One login: a refresh-token family whose current token is stored only as a hash. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    refreshTokenHash: text('refresh_token_hash').notNull().unique(),
    generation: integer('generation').notNull().default(0),
    createdAt: moment('created_at').notNull(),
    rotatedAt: moment('rotated_at'),
    expiresAt: moment('expires_at').notNull(),
    revokedAt: moment('revoked_at'),
    revokedReason: text('revoked_reason'),
    /** The User-Agent of the sign-in request, cut to 200 characters. */
    userAgent: text('user_agent'),
    /** The client address of the sign-in request, as the `trust proxy` setting resolves it. */
    ipAddress: text('ip_address'),
    /** Set when this session alone is revoked: its access tokens issued at or before it are refused. */
    tokensValidAfter: moment('tokens_valid_after'),
    /** When every token the cutoff refuses has expired; the cutoff is enforced until then. */
    cutoffExpiresAt: moment('cutoff_expires_at'),
    /** When the user last proved who they are in this session: at sign-in, or a later step-up. */
    authTime: moment('auth_time').notNull(),
    /** How they proved it, as RFC 8176 method references (`pwd`, `otp`, `mfa`, …). */
    amr: text('amr').array().$type<AuthMethod[]>().notNull(),
  },
  (table) => [
    index('sessions_user_id_idx').on(table.userId),
    index('sessions_expires_at_idx').on(table.expiresAt),
    index('sessions_cutoff_expires_at_idx').on(table.cutoffExpiresAt),
  ],
);

/** Refresh tokens already rotated away: presenting one again is reuse, a sign of theft. */
export const retiredRefreshTokens = pgTable(
  'retired_refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    retiredAt: moment('retired_at').notNull(),
  },
  (table) => [index('retired_refresh_tokens_session_id_idx').on(table.sessionId)],
);

/** Access tokens issued per session, so that ending a session can revoke every one still alive. */
export const accessTokens = pgTable(
  'access_tokens',
  {
    jti: text('jti').primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    issuedAt: moment('issued_at').notNull(),
    expiresAt: moment('expires_at').notNull(),
    /** The signing key's id: a key revocation names the tokens it refuses by it. */
    kid: text('kid'),
    /** The token's Token Status List entry (ES256 tokens only); see docs/status-lists.md. */
    statusListId: text('status_list_id'),
    statusIdx: integer('status_idx'),
  },
  (table) => [
    index('access_tokens_session_id_idx').on(table.sessionId),
    index('access_tokens_expires_at_idx').on(table.expiresAt),
    // Never two tokens on one entry: the allocator's blocks are disjoint, and this proves it.
    uniqueIndex('access_tokens_status_entry_idx').on(table.statusListId, table.statusIdx),
  ],
);

/**
 * Token Status Lists (draft-ietf-oauth-status-list). Each instance reserves blocks of positions
 * (`reserved` counts them); a secret keyed permutation turns a position into the list index, so
 * indices are random and never repeat. A list is full when `reserved` reaches `size`.
 */
export const statusLists = pgTable(
  'status_lists',
  {
    /** 128 random bits, base64url: the URI says nothing of who holds the list's tokens, nor when it opened. */
    id: text('id').primaryKey(),
    size: integer('size').notNull(),
    /** The permutation's key (base64url); never served. */
    permutationKey: text('permutation_key').notNull(),
    reserved: integer('reserved').notNull().default(0),
    createdAt: moment('created_at').notNull(),
    /** The last block handed out: the list lives until every token that block may issue has expired. */
    lastReservedAt: moment('last_reserved_at').notNull(),
  },
  (table) => [index('status_lists_last_reserved_at_idx').on(table.lastReservedAt)],
);

export const blacklistedTokens = pgTable(
  'blacklisted_tokens',
  {
    jti: text('jti').primaryKey(),
    userId: uuid('user_id').references(() => users.id),
    sessionId: uuid('session_id'),
    reason: text('reason'),
    revokedBy: uuid('revoked_by').references(() => users.id),
    expiresAt: moment('expires_at').notNull(),
    createdAt: moment('created_at').notNull(),
  },
  (table) => [
    index('blacklisted_tokens_expires_at_idx').on(table.expiresAt),
    index('blacklisted_tokens_created_at_jti_idx').on(table.createdAt, table.jti),
    index('blacklisted_tokens_user_id_idx').on(table.userId),
  ],
);

/** Append-only: a trigger in the migrations refuses UPDATE and DELETE. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: moment('at').notNull(),
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    targetUserId: uuid('target_user_id'),
    targetJti: text('target_jti'),
    targetSessionId: uuid('target_session_id'),
    reason: text('reason'),
  },
  (table) => [
    index('audit_events_target_user_id_idx').on(table.targetUserId),
    index('audit_events_actor_id_idx').on(table.actorId),
  ],
);

/**
 * The audit events' hash chain: one link per sealed event, in event id order. Each link is the
 * SHA-256 of the previous link and the event's canonical encoding (`audit/audit-chain.ts`), so a
 * changed, removed or slipped-in event breaks the chain from there on. Written by the sealer
 * after the events commit, never by the requests that write them; append-only like the events.
 */
export const auditChain = pgTable('audit_chain', {
  /** 1, 2, 3 … with no gap: a missing position is a link removed. */
  position: bigint('position', { mode: 'number' }).primaryKey(),
  eventId: bigint('event_id', { mode: 'number' }).notNull().unique(),
  /** Lower-case hex. */
  link: text('link').notNull(),
  sealedAt: moment('sealed_at').notNull(),
});

/**
 * Failed sign-ins per key, shared by every instance: `scope` is `email` or `address`. Each
 * attempt is counted before its password is checked and given back when it succeeds. The
 * `mail-` scopes count requests for account mail (a reset link) the same way, never given back;
 * the `mfa-` scopes count wrong second-factor codes, per user id and per client address.
 */
export const loginFailures = pgTable(
  'login_failures',
  {
    scope: text('scope', {
      enum: ['email', 'address', 'mail-email', 'mail-address', 'mfa-user', 'mfa-address'],
    }).notNull(),
    subject: text('subject').notNull(),
    failures: integer('failures').notNull(),
    windowStartedAt: moment('window_started_at').notNull(),
    lastFailureAt: moment('last_failure_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.scope, table.subject] }),
    index('login_failures_last_failure_at_idx').on(table.lastFailureAt),
  ],
);

/**
 * The keys tokens are signed with. A key's state follows from its instants: NEXT until
 * `activated_at`, ACTIVE until `retired_at`, RETIRED after; REVOKED once `revoked_at` is set.
 * The secret half is stored sealed (AES-256-GCM under a key derived from JWT_SECRET).
 */
export const signingKeys = pgTable(
  'signing_keys',
  {
    kid: text('kid').primaryKey(),
    algorithm: text('algorithm', { enum: ['HS256', 'ES256'] }).notNull(),
    /** The HMAC secret or the ECDSA private key (PKCS#8), sealed. */
    sealedSecret: text('sealed_secret').notNull(),
    /** ES256 only: the public key as a JWK, served in the JWKS. */
    publicJwk: jsonb('public_jwk').$type<Record<string, string>>(),
    createdAt: moment('created_at').notNull(),
    activatedAt: moment('activated_at').notNull(),
    retiredAt: moment('retired_at'),
    revokedAt: moment('revoked_at'),
    revokedReason: text('revoked_reason'),
  },
  (table) => [index('signing_keys_retired_at_idx').on(table.retiredAt)],
);

export type UserRow = InferSelectModel<typeof users>;
export type SigningKeyRow = InferSelectModel<typeof signingKeys>;
export type LoginFailureRow = InferSelectModel<typeof loginFailures>;
export type SessionRow = InferSelectModel<typeof sessions>;
export type AccessTokenRow = InferSelectModel<typeof accessTokens>;
export type StatusListRow = InferSelectModel<typeof statusLists>;
export type BlacklistedTokenRow = InferSelectModel<typeof blacklistedTokens>;
export type AuditEventRow = InferSelectModel<typeof auditEvents>;
export type AuditChainRow = InferSelectModel<typeof auditChain>;

/**
 * One row: the newest version of the revocation log, raised by the sequencer as it numbers
 * committed log entries, so an instance can tell whether its mirror has missed one.
 */
export const revocationFeed = pgTable('revocation_feed', {
  id: integer('id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull(),
});

/**
 * What each revoking transaction changed, appended in that transaction with no version. After the
 * commit a short sequencer transaction numbers the entries in one run (`version`), so no lock spans
 * a revoking transaction that every other must wait for. Kept until `keep_until`, when no token
 * it refuses can still be valid.
 */
export const revocationLog = pgTable(
  'revocation_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    version: bigint('version', { mode: 'number' }).unique(),
    changes: jsonb('changes').$type<Record<string, unknown>>().notNull(),
    createdAt: moment('created_at').notNull(),
    sequencedAt: moment('sequenced_at'),
    keepUntil: moment('keep_until').notNull(),
  },
  (table) => [
    index('revocation_log_pending_idx')
      .on(table.id)
      .where(sql`${table.version} is null`),
  ],
);

export type RevocationLogRow = InferSelectModel<typeof revocationLog>;

export const ACCOUNT_TOKEN_PURPOSES = ['password_reset', 'email_verification', 'mfa_sign_in'] as const;

/**
 * Single-use secrets mailed in a link (a password reset, an address to verify), or handed to a
 * sign-in whose password was right and whose second factor is still due (`mfa_sign_in`). Only the
 * SHA-256 of the token is stored: a read of this table opens no account.
 */
export const accountTokens = pgTable(
  'account_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    purpose: text('purpose', { enum: ACCOUNT_TOKEN_PURPOSES }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    /** The address the link was mailed to: the one a verification proves. */
    email: text('email').notNull(),
    createdAt: moment('created_at').notNull(),
    expiresAt: moment('expires_at').notNull(),
    spentAt: moment('spent_at'),
    /** For an address change: the session that asked, which the change leaves signed in. */
    sessionId: uuid('session_id'),
  },
  (table) => [
    index('account_tokens_outstanding_idx')
      .on(table.userId, table.purpose)
      .where(sql`${table.spentAt} is null`),
    index('account_tokens_expires_at_idx').on(table.expiresAt),
  ],
);

export type AccountTokenRow = InferSelectModel<typeof accountTokens>;

/**
 * Mail waiting for SMTP, written in the transaction that makes its reason (a token, a changed
 * password), so that a commit is never without its mail nor a mail without its commit. A row is
 * due at `next_attempt_at`; a sender claims it by moving that instant forward (its lease), then
 * sets `sent_at` or `failed_at` and erases the bodies, which may carry a live link.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').notNull(),
    recipient: text('recipient').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body').notNull(),
    /** The link the mail carries, logged instead of sent when no SMTP server is configured in development. */
    link: text('link'),
    createdAt: moment('created_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: moment('next_attempt_at').notNull(),
    lastError: text('last_error'),
    sentAt: moment('sent_at'),
    failedAt: moment('failed_at'),
  },
  (table) => [
    index('mail_outbox_due_idx')
      .on(table.nextAttemptAt)
      .where(sql`${table.sentAt} is null and ${table.failedAt} is null`),
  ],
);

export type MailOutboxRow = InferSelectModel<typeof mailOutbox>;

/**
 * The devices each user signed in from, so that a sign-in from a new one can be announced. A
 * device is a SHA-256 of the user id, the user agent and the client's network, never the
 * values themselves; a row not seen for 90 days is purged, and the device is new again.
 */
export const knownDevices = pgTable(
  'known_devices',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    fingerprint: text('fingerprint').notNull(),
    lastSeenAt: moment('last_seen_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.fingerprint] }),
    index('known_devices_last_seen_at_idx').on(table.lastSeenAt),
  ],
);

/**
 * A user's TOTP authenticator (RFC 6238). Pending until `enabled_at` is set by a confirmed code.
 * The secret is sealed like a signing key, with the user id as associated data.
 */
export const userTotp = pgTable('user_totp', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  sealedSecret: text('sealed_secret').notNull(),
  createdAt: moment('created_at').notNull(),
  enabledAt: moment('enabled_at'),
  /** The time step of the last accepted code: a code is accepted only for a later step, so never twice. */
  lastUsedStep: bigint('last_used_step', { mode: 'number' }),
});

export type UserTotpRow = InferSelectModel<typeof userTotp>;

/** Single-use recovery codes, stored as SHA-256 digests: each carries 50 random bits. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    codeHash: text('code_hash').notNull(),
    createdAt: moment('created_at').notNull(),
    usedAt: moment('used_at'),
  },
  (table) => [uniqueIndex('recovery_codes_user_code_idx').on(table.userId, table.codeHash)],
);

export type RecoveryCodeRow = InferSelectModel<typeof recoveryCodes>;

export const PASSKEY_DEVICE_TYPES = ['singleDevice', 'multiDevice'] as const;

/**
 * WebAuthn credentials a user registered: the public key verifies their assertions. Nothing here
 * signs anything, so a read of this table opens no account.
 */
export const passkeys = pgTable(
  'passkeys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** The credential id the authenticator chose, base64url. */
    credentialId: text('credential_id').notNull().unique(),
    /** The COSE public key, base64url. */
    publicKey: text('public_key').notNull(),
    /** The authenticator's signature counter at its last use; 0 for authenticators that keep none. */
    counter: bigint('counter', { mode: 'number' }).notNull().default(0),
    transports: text('transports')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    deviceType: text('device_type', { enum: PASSKEY_DEVICE_TYPES }).notNull(),
    backedUp: boolean('backed_up').notNull(),
    name: text('name').notNull(),
    createdAt: moment('created_at').notNull(),
    lastUsedAt: moment('last_used_at'),
  },
  (table) => [index('passkeys_user_id_idx').on(table.userId)],
);

export type PasskeyRow = InferSelectModel<typeof passkeys>;

export const WEBAUTHN_CEREMONIES = ['registration', 'sign_in'] as const;

/**
 * Challenges of WebAuthn ceremonies under way, in the database so that any instance can finish
 * what another started; a finish deletes its row, so each challenge is used at most once.
 */
export const webauthnChallenges = pgTable(
  'webauthn_challenges',
  {
    /** base64url, as it comes back in the client data. */
    challenge: text('challenge').primaryKey(),
    ceremony: text('ceremony', { enum: WEBAUTHN_CEREMONIES }).notNull(),
    /**
     * The account the ceremony is for: the registering user, or the account a sign-in named by
     * email. No foreign key: an unknown email gets an id no account has, so that its finish fails.
     */
    userId: uuid('user_id'),
    createdAt: moment('created_at').notNull(),
    expiresAt: moment('expires_at').notNull(),
  },
  (table) => [index('webauthn_challenges_expires_at_idx').on(table.expiresAt)],
);

export type WebauthnChallengeRow = InferSelectModel<typeof webauthnChallenges>;
