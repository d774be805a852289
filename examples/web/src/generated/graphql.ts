/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar. */
  DateTime: { input: string; output: string; }
  /** A field whose value conforms to the standard internet email address format as specified in HTML Spec: https://html.spec.whatwg.org/multipage/input.html#valid-e-mail-address. */
  EmailAddress: { input: string; output: string; }
  /** A JSON object (RFC 8259), such as the JSON forms of WebAuthn options and responses. */
  JSONObject: { input: Record<string, unknown>; output: Record<string, unknown>; }
};

/** What an audit event records. */
export type AuditAction =
  | 'ADMIN_BOOTSTRAPPED'
  | 'EMAIL_CHANGED'
  | 'EMAIL_VERIFIED'
  | 'EXPIRED_TOKENS_PURGED'
  | 'LOGGED_IN'
  | 'LOGGED_OUT'
  | 'LOGGED_OUT_EVERYWHERE'
  | 'MFA_DISABLED'
  | 'MFA_ENABLED'
  | 'MFA_RESET_BY_ADMIN'
  | 'PASSKEY_ADDED'
  | 'PASSKEY_COUNTER_ROLLBACK'
  | 'PASSKEY_REMOVED'
  | 'PASSWORD_CHANGED'
  | 'PASSWORD_RESET'
  | 'PASSWORD_RESET_REQUESTED'
  | 'REAUTHENTICATED'
  | 'RECOVERY_CODES_REGENERATED'
  | 'RECOVERY_CODE_USED'
  | 'REFRESH_TOKEN_REUSED'
  | 'REGISTERED'
  | 'SESSION_REVOKED'
  | 'SIGNING_KEY_REVOKED'
  | 'SIGNING_KEY_ROTATED'
  | 'TOKEN_REVOKED'
  | 'USER_CREATED'
  | 'USER_TOKENS_REVOKED'
  | 'USER_UPDATED';

/** One entry of the append-only audit log. */
export type AuditEvent = {
  __typename?: 'AuditEvent';
  action: AuditAction;
  /** Who did it; null for the service itself. */
  actorId?: Maybe<Scalars['ID']['output']>;
  at: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  reason?: Maybe<Scalars['String']['output']>;
  targetJti?: Maybe<Scalars['String']['output']>;
  /** The session it ended or changed, if one. */
  targetSessionId?: Maybe<Scalars['ID']['output']>;
  targetUserId?: Maybe<Scalars['ID']['output']>;
};

export type AuditEventConnection = {
  __typename?: 'AuditEventConnection';
  edges: Array<AuditEventEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type AuditEventEdge = {
  __typename?: 'AuditEventEdge';
  cursor: Scalars['String']['output'];
  node: AuditEvent;
};

/** A fresh pair of tokens and the user they belong to. */
export type AuthPayload = {
  __typename?: 'AuthPayload';
  /** Send as `Authorization: Bearer <accessToken>`; keep it in memory. */
  accessToken: Scalars['String']['output'];
  accessTokenExpiresAt: Scalars['DateTime']['output'];
  /** Single use: each refresh returns a new one. Null when it was delivered in the refresh cookie. */
  refreshToken?: Maybe<Scalars['String']['output']>;
  user: User;
};

/** A revoked access token, refused until it would have expired anyway. */
export type BlacklistedToken = {
  __typename?: 'BlacklistedToken';
  createdAt: Scalars['DateTime']['output'];
  /** The token's own expiry; the entry is purged after it. */
  expiresAt: Scalars['DateTime']['output'];
  jti: Scalars['String']['output'];
  reason?: Maybe<Scalars['String']['output']>;
  /** The user who revoked it. */
  revokedBy?: Maybe<Scalars['ID']['output']>;
  userId?: Maybe<Scalars['ID']['output']>;
};

export type BlacklistedTokenConnection = {
  __typename?: 'BlacklistedTokenConnection';
  edges: Array<BlacklistedTokenEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type BlacklistedTokenEdge = {
  __typename?: 'BlacklistedTokenEdge';
  cursor: Scalars['String']['output'];
  node: BlacklistedToken;
};

/** How a signing key signs. */
export type JwtAlgorithm =
  | 'ES256'
  | 'HS256';

/** Which second factors an account has on. */
export type MfaStatus = {
  __typename?: 'MfaStatus';
  /** How many passkeys the account has. */
  passkeys: Scalars['Int']['output'];
  /** How many recovery codes are still unused. */
  recoveryCodesLeft: Scalars['Int']['output'];
  /** Whether an authenticator app (TOTP) is on. */
  totp: Scalars['Boolean']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Mails a link to `newEmail` that moves my account there, and a notice to my current address. Applied when the link is opened (`verifyEmail`): then my other sessions end and the old address is told. An address in use answers the same `true`, and its owner gets a notice instead. */
  changeEmail: Scalars['Boolean']['output'];
  /** Changes my password, ends every other session of mine, and gives this one a fresh pair. */
  changePassword: AuthPayload;
  /** Finishes a sign-in that answered MFA_REQUIRED, with its mfaToken and a TOTP code or a recovery code (spent once used). */
  completeLogin: AuthPayload;
  /** Turns TOTP on with a code from the pending secret and ends my other sessions. Returns 10 recovery codes, shown only this once. */
  confirmTotpEnrollment: Array<Scalars['String']['output']>;
  /** Turns TOTP off, deletes my recovery codes and ends my other sessions. */
  disableTotp: Scalars['Boolean']['output'];
  /** Stores the passkey the authenticator made for the challenge of startPasskeyRegistration. Ends every other session of the account. INVALID_PASSKEY when it does not verify. */
  finishPasskeyRegistration: Passkey;
  /** Signs in with the assertion answering startPasskeySignIn's challenge; no password, and no second factor asked. Signed in already, it is a step-up of the current session (same user only) and returns a fresh pair for it. INVALID_PASSKEY when it does not verify. */
  finishPasskeySignIn: AuthPayload;
  login: AuthPayload;
  /** Blacklists the current access token, ends its session and clears the refresh cookie. */
  logout: BlacklistedToken;
  /** Revokes all my tokens and sessions and clears the refresh cookie; returns how many sessions were ended. */
  logoutAll: Scalars['Int']['output'];
  /** Deletes expired blacklist entries now; returns how many. */
  purgeExpiredTokens: Scalars['Int']['output'];
  /** Proves again who I am, with my password or, on an account with a second factor, a one-time code: this session gets a fresh pair whose `auth_time` is now, for the fields that answer STEP_UP_REQUIRED. The access token used for the call is refused from then on. */
  reauthenticate: AuthPayload;
  /** Trades a refresh token for new tokens; the old refresh token is spent. Without `refreshToken`, the refresh cookie is used and its successor goes back into the cookie. */
  refreshToken: AuthPayload;
  /** Replaces my recovery codes with 10 new ones, shown only this once, and ends my other sessions. Needs a TOTP code. */
  regenerateRecoveryCodes: Array<Scalars['String']['output']>;
  /** Creates an account, mails a link to verify its address, and signs it in. With REQUIRE_VERIFIED_EMAIL the account is created and the link mailed, but the answer is EMAIL_NOT_VERIFIED instead of tokens. */
  register: AuthPayload;
  /** Removes one of my passkeys and ends every other session of the account; NOT_FOUND when it is not mine. */
  removePasskey: Scalars['Boolean']['output'];
  /** Mails a new verification link to the enabled, unverified account with this address, if there is one. Answers `true` either way, so the answer tells nobody whether the address has an account or is verified. */
  requestEmailVerification: Scalars['Boolean']['output'];
  /** Mails a password reset link to the account with this address, if there is an enabled one. Answers `true` either way, so the answer tells nobody whether the address has an account. */
  requestPasswordReset: Scalars['Boolean']['output'];
  /** Sets a new password with the token of a reset link, and ends every session and access token of the account. A bad, expired or spent token answers INVALID_OR_EXPIRED_LINK. */
  resetPassword: Scalars['Boolean']['output'];
  /** Removes every second factor of a user who lost them, and ends all the user's sessions: the next sign-in needs the password only. */
  resetUserMfa: Scalars['Boolean']['output'];
  /** Ends one session and refuses its tokens at once. My own sessions; an administrator's: anyone's. */
  revokeSession: Session;
  /** Refuses every token the key signed, on every instance, and drops it from the JWKS. Revoking the key that signs rotates first. Revoking twice is harmless. */
  revokeSigningKey: SigningKey;
  /** Blacklists one access token. Revoking twice is harmless. */
  revokeToken: BlacklistedToken;
  /** Revokes every token the user holds now and ends their sessions; returns the cutoff. */
  revokeUserTokens: Scalars['DateTime']['output'];
  /** Publishes a new key as NEXT on every instance; it starts signing after SIGNING_KEY_PUBLISH_SECONDS, and the current key is RETIRED then. */
  rotateSigningKey: SigningKey;
  /** Starts adding a passkey: the creation options, as JSON, for `navigator.credentials.create`; valid for 5 minutes. */
  startPasskeyRegistration: Scalars['JSONObject']['output'];
  /** Starts signing in with a passkey: the request options, as JSON, for `navigator.credentials.get`; valid for 5 minutes. */
  startPasskeySignIn: Scalars['JSONObject']['output'];
  /** Starts setting up an authenticator app: a new secret, pending until confirmTotpEnrollment. Asking again replaces a pending one. */
  startTotpEnrollment: TotpEnrollment;
  /** Changes a user's role or disabled flag; any change revokes all their tokens. */
  updateUser: User;
  /** Marks the address of the account verified with the token of a verification link. A bad, expired or spent token answers INVALID_OR_EXPIRED_LINK. */
  verifyEmail: Scalars['Boolean']['output'];
};


export type MutationChangeEmailArgs = {
  newEmail: Scalars['EmailAddress']['input'];
  password: Scalars['String']['input'];
};


export type MutationChangePasswordArgs = {
  currentPassword: Scalars['String']['input'];
  newPassword: Scalars['String']['input'];
};


export type MutationCompleteLoginArgs = {
  code: Scalars['String']['input'];
  mfaToken: Scalars['String']['input'];
  refreshTokenDelivery?: InputMaybe<RefreshTokenDelivery>;
};


export type MutationConfirmTotpEnrollmentArgs = {
  code: Scalars['String']['input'];
};


export type MutationDisableTotpArgs = {
  code: Scalars['String']['input'];
};


export type MutationFinishPasskeyRegistrationArgs = {
  name?: InputMaybe<Scalars['String']['input']>;
  response: Scalars['JSONObject']['input'];
};


export type MutationFinishPasskeySignInArgs = {
  refreshTokenDelivery?: InputMaybe<RefreshTokenDelivery>;
  response: Scalars['JSONObject']['input'];
};


export type MutationLoginArgs = {
  email: Scalars['EmailAddress']['input'];
  password: Scalars['String']['input'];
  refreshTokenDelivery?: InputMaybe<RefreshTokenDelivery>;
};


export type MutationReauthenticateArgs = {
  code?: InputMaybe<Scalars['String']['input']>;
  password?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRefreshTokenArgs = {
  refreshToken?: InputMaybe<Scalars['String']['input']>;
  refreshTokenDelivery?: InputMaybe<RefreshTokenDelivery>;
};


export type MutationRegenerateRecoveryCodesArgs = {
  code: Scalars['String']['input'];
};


export type MutationRegisterArgs = {
  email: Scalars['EmailAddress']['input'];
  password: Scalars['String']['input'];
  refreshTokenDelivery?: InputMaybe<RefreshTokenDelivery>;
};


export type MutationRemovePasskeyArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRequestEmailVerificationArgs = {
  email: Scalars['EmailAddress']['input'];
};


export type MutationRequestPasswordResetArgs = {
  email: Scalars['EmailAddress']['input'];
};


export type MutationResetPasswordArgs = {
  newPassword: Scalars['String']['input'];
  token: Scalars['String']['input'];
};


export type MutationResetUserMfaArgs = {
  reason?: InputMaybe<Scalars['String']['input']>;
  userId: Scalars['ID']['input'];
};


export type MutationRevokeSessionArgs = {
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRevokeSigningKeyArgs = {
  kid: Scalars['String']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRevokeTokenArgs = {
  input: RevokeTokenInput;
};


export type MutationRevokeUserTokensArgs = {
  reason?: InputMaybe<Scalars['String']['input']>;
  userId: Scalars['ID']['input'];
};


export type MutationStartPasskeySignInArgs = {
  email?: InputMaybe<Scalars['EmailAddress']['input']>;
};


export type MutationUpdateUserArgs = {
  disabled?: InputMaybe<Scalars['Boolean']['input']>;
  id: Scalars['ID']['input'];
  role?: InputMaybe<Role>;
};


export type MutationVerifyEmailArgs = {
  token: Scalars['String']['input'];
};

/** Relay page information. */
export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** A WebAuthn credential that signs its owner in without a password. */
export type Passkey = {
  __typename?: 'Passkey';
  /** Whether the authenticator says it is backed up (synced). */
  backedUp: Scalars['Boolean']['output'];
  createdAt: Scalars['DateTime']['output'];
  deviceType: PasskeyDeviceType;
  id: Scalars['ID']['output'];
  /** Its last sign-in; null when never used. */
  lastUsedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The name its owner gave it. */
  name: Scalars['String']['output'];
};

/** Whether a passkey can leave the authenticator that made it. */
export type PasskeyDeviceType =
  /** May be synced to other devices, as password managers and platform accounts do. */
  | 'MULTI_DEVICE'
  /** Bound to one authenticator (a security key, a device without sync). */
  | 'SINGLE_DEVICE';

export type Query = {
  __typename?: 'Query';
  /** The audit log, newest first. */
  auditEvents: AuditEventConnection;
  /** Revoked tokens, newest first. */
  blacklistedTokens: BlacklistedTokenConnection;
  /** The signed-in user. */
  me: User;
  /** My passkeys, oldest first. */
  myPasskeys: Array<Passkey>;
  /** My live sessions, newest first. */
  mySessions: Array<Session>;
  /** A user's live sessions, newest first. */
  sessions: Array<Session>;
  /** Every signing key, newest first. */
  signingKeys: Array<SigningKey>;
  /** The account with this id or this email (give exactly one). */
  user?: Maybe<User>;
  /** Every account, by email; `search` keeps those whose email contains it. */
  users: UserConnection;
};


export type QueryAuditEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  userId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryBlacklistedTokensArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  includeExpired?: InputMaybe<Scalars['Boolean']['input']>;
  userId?: InputMaybe<Scalars['ID']['input']>;
};


export type QuerySessionsArgs = {
  userId: Scalars['ID']['input'];
};


export type QueryUserArgs = {
  email?: InputMaybe<Scalars['EmailAddress']['input']>;
  id?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryUsersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
};

/** Where a sign-in or a refresh puts the new refresh token. */
export type RefreshTokenDelivery =
  /** In `AuthPayload.refreshToken`, for apps that keep it themselves. */
  | 'BODY'
  /** In an HttpOnly cookie that page scripts cannot read, sent back only to `refreshToken`; `AuthPayload.refreshToken` is null. For browser apps. */
  | 'COOKIE';

/** A revocation committed on any instance. */
export type RevocationEvent = {
  __typename?: 'RevocationEvent';
  at: Scalars['DateTime']['output'];
  jti?: Maybe<Scalars['String']['output']>;
  /** The revoked signing key, for a `KEY` revocation. */
  kid?: Maybe<Scalars['String']['output']>;
  kind: RevocationKind;
  reason?: Maybe<Scalars['String']['output']>;
  /** The administrator or user who revoked; null for the service itself. */
  revokedBy?: Maybe<Scalars['ID']['output']>;
  sessionId?: Maybe<Scalars['ID']['output']>;
  userId?: Maybe<Scalars['ID']['output']>;
};

export type RevocationKind =
  /** Every token signed with one signing key, by `kid`. */
  | 'KEY'
  /** Every access token of one session, by `sessionId`: a logout or a revoked session. */
  | 'SESSION'
  /** One access token, by `jti`. */
  | 'TOKEN'
  /** Every token the user held at `at`: a logout everywhere, a revocation or an account change. */
  | 'USER';

/** Names the token to revoke: exactly one of token or jti. */
export type RevokeTokenInput = {
  jti?: InputMaybe<Scalars['String']['input']>;
  /** Shown to the holder when the token is refused (500 characters at most). */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** The access token itself; its signature must verify. */
  token?: InputMaybe<Scalars['String']['input']>;
};

/** What a user may do; ADMIN includes everything USER may. */
export type Role =
  | 'ADMIN'
  | 'USER';

/** One sign-in on one device, kept alive by refreshing its tokens. */
export type Session = {
  __typename?: 'Session';
  createdAt: Scalars['DateTime']['output'];
  /** Whether the calling access token belongs to this session. */
  current: Scalars['Boolean']['output'];
  /** When its refresh token lapses. */
  expiresAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  /** The client address of the sign-in. */
  ipAddress?: Maybe<Scalars['String']['output']>;
  /** Its last refresh; the sign-in itself when never refreshed. */
  lastRefreshedAt: Scalars['DateTime']['output'];
  /** The User-Agent of the sign-in, at most 200 characters. */
  userAgent?: Maybe<Scalars['String']['output']>;
};

/** Something that happened to the session of the subscribing token. */
export type SessionEvent = {
  __typename?: 'SessionEvent';
  at: Scalars['DateTime']['output'];
  kind: SessionEventKind;
  /** Why, as `TOKEN_REVOKED` carries it in `extensions.reason`. */
  reason?: Maybe<Scalars['String']['output']>;
};

export type SessionEventKind =
  /** The token of this socket was revoked; the socket closes with 4403 next. */
  | 'REVOKED';

/** A key access tokens are signed with, named by the `kid` in their header. */
export type SigningKey = {
  __typename?: 'SigningKey';
  /** When it starts signing: in the future while NEXT. */
  activatedAt: Scalars['DateTime']['output'];
  algorithm: JwtAlgorithm;
  createdAt: Scalars['DateTime']['output'];
  kid: Scalars['String']['output'];
  /** When it stops (or stopped) signing. */
  retiredAt?: Maybe<Scalars['DateTime']['output']>;
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
  revokedReason?: Maybe<Scalars['String']['output']>;
  /** The state now. */
  state: SigningKeyState;
};

/** NEXT: published, verifies, does not sign yet. ACTIVE: signs. RETIRED: verifies until the last token it signed has expired. REVOKED: every token it signed is refused. */
export type SigningKeyState =
  | 'ACTIVE'
  | 'NEXT'
  | 'RETIRED'
  | 'REVOKED';

export type Subscription = {
  __typename?: 'Subscription';
  /** Every revocation committed on any instance, as it is announced. */
  revocations: RevocationEvent;
  /** Events of the calling token’s session, delivered the moment they happen: REVOKED, after which the socket closes with 4403. */
  sessionEvents: SessionEvent;
};

/** A TOTP secret waiting for its first code: show the URI as a QR code, or the secret to type. */
export type TotpEnrollment = {
  __typename?: 'TotpEnrollment';
  /** An `otpauth://totp/…` URI: SHA-1, 6 digits, 30 seconds, issuer MFA_ISSUER. */
  otpauthUri: Scalars['String']['output'];
  /** The shared secret, base32, as the URI carries it. */
  secret: Scalars['String']['output'];
};

/** An account that can sign in. */
export type User = {
  __typename?: 'User';
  createdAt: Scalars['DateTime']['output'];
  disabled: Scalars['Boolean']['output'];
  email: Scalars['EmailAddress']['output'];
  /** Whether the owner opened a verification link mailed to `email`. Accounts made by an operator, and those that existed before verification did, count as verified. */
  emailVerified: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  /** Which second factors are on. Only the user themselves and administrators may read it. */
  mfa: MfaStatus;
  role: Role;
};

export type UserConnection = {
  __typename?: 'UserConnection';
  edges: Array<UserEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type UserEdge = {
  __typename?: 'UserEdge';
  cursor: Scalars['String']['output'];
  node: User;
};

export type SignInMutationVariables = Exact<{
  email: Scalars['EmailAddress']['input'];
  password: Scalars['String']['input'];
}>;


export type SignInMutation = { __typename?: 'Mutation', login: { __typename?: 'AuthPayload', accessToken: string } };

export type CreateAccountMutationVariables = Exact<{
  email: Scalars['EmailAddress']['input'];
  password: Scalars['String']['input'];
}>;


export type CreateAccountMutation = { __typename?: 'Mutation', register: { __typename?: 'AuthPayload', accessToken: string } };

export type RefreshSessionMutationVariables = Exact<{ [key: string]: never; }>;


export type RefreshSessionMutation = { __typename?: 'Mutation', refreshToken: { __typename?: 'AuthPayload', accessToken: string } };

export type ProfileQueryVariables = Exact<{ [key: string]: never; }>;


export type ProfileQuery = { __typename?: 'Query', me: { __typename?: 'User', id: string, email: string, emailVerified: boolean, role: Role, mfa: { __typename?: 'MfaStatus', totp: boolean, recoveryCodesLeft: number, passkeys: number } } };

export type SignOutMutationVariables = Exact<{ [key: string]: never; }>;


export type SignOutMutation = { __typename?: 'Mutation', logout: { __typename?: 'BlacklistedToken', jti: string } };

export type RequestPasswordResetMutationVariables = Exact<{
  email: Scalars['EmailAddress']['input'];
}>;


export type RequestPasswordResetMutation = { __typename?: 'Mutation', requestPasswordReset: boolean };

export type ResetPasswordMutationVariables = Exact<{
  token: Scalars['String']['input'];
  newPassword: Scalars['String']['input'];
}>;


export type ResetPasswordMutation = { __typename?: 'Mutation', resetPassword: boolean };

export type RequestEmailVerificationMutationVariables = Exact<{
  email: Scalars['EmailAddress']['input'];
}>;


export type RequestEmailVerificationMutation = { __typename?: 'Mutation', requestEmailVerification: boolean };

export type VerifyEmailMutationVariables = Exact<{
  token: Scalars['String']['input'];
}>;


export type VerifyEmailMutation = { __typename?: 'Mutation', verifyEmail: boolean };

export type StartPasskeySignInMutationVariables = Exact<{
  email?: InputMaybe<Scalars['EmailAddress']['input']>;
}>;


export type StartPasskeySignInMutation = { __typename?: 'Mutation', startPasskeySignIn: Record<string, unknown> };

export type FinishPasskeySignInMutationVariables = Exact<{
  response: Scalars['JSONObject']['input'];
}>;


export type FinishPasskeySignInMutation = { __typename?: 'Mutation', finishPasskeySignIn: { __typename?: 'AuthPayload', accessToken: string } };

export type MyPasskeysQueryVariables = Exact<{ [key: string]: never; }>;


export type MyPasskeysQuery = { __typename?: 'Query', myPasskeys: Array<{ __typename?: 'Passkey', id: string, name: string, createdAt: string, lastUsedAt?: string | null }> };

export type StartPasskeyRegistrationMutationVariables = Exact<{ [key: string]: never; }>;


export type StartPasskeyRegistrationMutation = { __typename?: 'Mutation', startPasskeyRegistration: Record<string, unknown> };

export type FinishPasskeyRegistrationMutationVariables = Exact<{
  response: Scalars['JSONObject']['input'];
  name?: InputMaybe<Scalars['String']['input']>;
}>;


export type FinishPasskeyRegistrationMutation = { __typename?: 'Mutation', finishPasskeyRegistration: { __typename?: 'Passkey', id: string } };

export type RemovePasskeyMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RemovePasskeyMutation = { __typename?: 'Mutation', removePasskey: boolean };

export type CompleteSignInMutationVariables = Exact<{
  mfaToken: Scalars['String']['input'];
  code: Scalars['String']['input'];
}>;


export type CompleteSignInMutation = { __typename?: 'Mutation', completeLogin: { __typename?: 'AuthPayload', accessToken: string } };

export type ReauthenticateMutationVariables = Exact<{
  password?: InputMaybe<Scalars['String']['input']>;
  code?: InputMaybe<Scalars['String']['input']>;
}>;


export type ReauthenticateMutation = { __typename?: 'Mutation', reauthenticate: { __typename?: 'AuthPayload', accessToken: string } };

export type StartTotpEnrollmentMutationVariables = Exact<{ [key: string]: never; }>;


export type StartTotpEnrollmentMutation = { __typename?: 'Mutation', startTotpEnrollment: { __typename?: 'TotpEnrollment', secret: string, otpauthUri: string } };

export type ConfirmTotpEnrollmentMutationVariables = Exact<{
  code: Scalars['String']['input'];
}>;


export type ConfirmTotpEnrollmentMutation = { __typename?: 'Mutation', confirmTotpEnrollment: Array<string> };

export type DisableTotpMutationVariables = Exact<{
  code: Scalars['String']['input'];
}>;


export type DisableTotpMutation = { __typename?: 'Mutation', disableTotp: boolean };


export const SignInDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignIn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"email"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EmailAddress"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"password"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"login"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"email"},"value":{"kind":"Variable","name":{"kind":"Name","value":"email"}}},{"kind":"Argument","name":{"kind":"Name","value":"password"},"value":{"kind":"Variable","name":{"kind":"Name","value":"password"}}},{"kind":"Argument","name":{"kind":"Name","value":"refreshTokenDelivery"},"value":{"kind":"EnumValue","value":"COOKIE"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}}]}}]}}]} as unknown as DocumentNode<SignInMutation, SignInMutationVariables>;
export const CreateAccountDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateAccount"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"email"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EmailAddress"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"password"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"register"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"email"},"value":{"kind":"Variable","name":{"kind":"Name","value":"email"}}},{"kind":"Argument","name":{"kind":"Name","value":"password"},"value":{"kind":"Variable","name":{"kind":"Name","value":"password"}}},{"kind":"Argument","name":{"kind":"Name","value":"refreshTokenDelivery"},"value":{"kind":"EnumValue","value":"COOKIE"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}}]}}]}}]} as unknown as DocumentNode<CreateAccountMutation, CreateAccountMutationVariables>;
export const RefreshSessionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RefreshSession"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refreshToken"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}}]}}]}}]} as unknown as DocumentNode<RefreshSessionMutation, RefreshSessionMutationVariables>;
export const ProfileDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Profile"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"emailVerified"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"mfa"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totp"}},{"kind":"Field","name":{"kind":"Name","value":"recoveryCodesLeft"}},{"kind":"Field","name":{"kind":"Name","value":"passkeys"}}]}}]}}]}}]} as unknown as DocumentNode<ProfileQuery, ProfileQueryVariables>;
export const SignOutDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignOut"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"logout"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jti"}}]}}]}}]} as unknown as DocumentNode<SignOutMutation, SignOutMutationVariables>;
export const RequestPasswordResetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RequestPasswordReset"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"email"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EmailAddress"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestPasswordReset"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"email"},"value":{"kind":"Variable","name":{"kind":"Name","value":"email"}}}]}]}}]} as unknown as DocumentNode<RequestPasswordResetMutation, RequestPasswordResetMutationVariables>;
export const ResetPasswordDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ResetPassword"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"token"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"newPassword"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resetPassword"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"token"},"value":{"kind":"Variable","name":{"kind":"Name","value":"token"}}},{"kind":"Argument","name":{"kind":"Name","value":"newPassword"},"value":{"kind":"Variable","name":{"kind":"Name","value":"newPassword"}}}]}]}}]} as unknown as DocumentNode<ResetPasswordMutation, ResetPasswordMutationVariables>;
export const RequestEmailVerificationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RequestEmailVerification"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"email"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EmailAddress"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestEmailVerification"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"email"},"value":{"kind":"Variable","name":{"kind":"Name","value":"email"}}}]}]}}]} as unknown as DocumentNode<RequestEmailVerificationMutation, RequestEmailVerificationMutationVariables>;
export const VerifyEmailDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"VerifyEmail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"token"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"verifyEmail"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"token"},"value":{"kind":"Variable","name":{"kind":"Name","value":"token"}}}]}]}}]} as unknown as DocumentNode<VerifyEmailMutation, VerifyEmailMutationVariables>;
export const StartPasskeySignInDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartPasskeySignIn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"email"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"EmailAddress"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startPasskeySignIn"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"email"},"value":{"kind":"Variable","name":{"kind":"Name","value":"email"}}}]}]}}]} as unknown as DocumentNode<StartPasskeySignInMutation, StartPasskeySignInMutationVariables>;
export const FinishPasskeySignInDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"FinishPasskeySignIn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"response"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"JSONObject"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"finishPasskeySignIn"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"response"},"value":{"kind":"Variable","name":{"kind":"Name","value":"response"}}},{"kind":"Argument","name":{"kind":"Name","value":"refreshTokenDelivery"},"value":{"kind":"EnumValue","value":"COOKIE"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}}]}}]}}]} as unknown as DocumentNode<FinishPasskeySignInMutation, FinishPasskeySignInMutationVariables>;
export const MyPasskeysDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyPasskeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"myPasskeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}}]}}]}}]} as unknown as DocumentNode<MyPasskeysQuery, MyPasskeysQueryVariables>;
export const StartPasskeyRegistrationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartPasskeyRegistration"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startPasskeyRegistration"}}]}}]} as unknown as DocumentNode<StartPasskeyRegistrationMutation, StartPasskeyRegistrationMutationVariables>;
export const FinishPasskeyRegistrationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"FinishPasskeyRegistration"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"response"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"JSONObject"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"finishPasskeyRegistration"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"response"},"value":{"kind":"Variable","name":{"kind":"Name","value":"response"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<FinishPasskeyRegistrationMutation, FinishPasskeyRegistrationMutationVariables>;
export const RemovePasskeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemovePasskey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removePasskey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<RemovePasskeyMutation, RemovePasskeyMutationVariables>;
export const CompleteSignInDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CompleteSignIn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"mfaToken"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"completeLogin"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"mfaToken"},"value":{"kind":"Variable","name":{"kind":"Name","value":"mfaToken"}}},{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}},{"kind":"Argument","name":{"kind":"Name","value":"refreshTokenDelivery"},"value":{"kind":"EnumValue","value":"COOKIE"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}}]}}]}}]} as unknown as DocumentNode<CompleteSignInMutation, CompleteSignInMutationVariables>;
export const ReauthenticateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Reauthenticate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"password"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reauthenticate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"password"},"value":{"kind":"Variable","name":{"kind":"Name","value":"password"}}},{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}}]}}]}}]} as unknown as DocumentNode<ReauthenticateMutation, ReauthenticateMutationVariables>;
export const StartTotpEnrollmentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartTotpEnrollment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startTotpEnrollment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"secret"}},{"kind":"Field","name":{"kind":"Name","value":"otpauthUri"}}]}}]}}]} as unknown as DocumentNode<StartTotpEnrollmentMutation, StartTotpEnrollmentMutationVariables>;
export const ConfirmTotpEnrollmentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConfirmTotpEnrollment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"confirmTotpEnrollment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}]}]}}]} as unknown as DocumentNode<ConfirmTotpEnrollmentMutation, ConfirmTotpEnrollmentMutationVariables>;
export const DisableTotpDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DisableTotp"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"disableTotp"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}]}]}}]} as unknown as DocumentNode<DisableTotpMutation, DisableTotpMutationVariables>;