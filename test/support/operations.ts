/** The operations the tests send, written once. */
export const USER_FIELDS = 'id email role disabled createdAt';

export const REGISTER = `mutation Register($email: EmailAddress!, $password: String!) {
  register(email: $email, password: $password) { accessToken refreshToken accessTokenExpiresAt user { ${USER_FIELDS} } }
}`;

export const LOGIN = `mutation Login($email: EmailAddress!, $password: String!) {
  login(email: $email, password: $password) { accessToken refreshToken accessTokenExpiresAt user { ${USER_FIELDS} } }
}`;

export const REFRESH = `mutation Refresh($refreshToken: String!) {
  refreshToken(refreshToken: $refreshToken) { accessToken refreshToken accessTokenExpiresAt user { ${USER_FIELDS} } }
}`;

export const ME = `query Me { me { ${USER_FIELDS} } }`;

export const BLACKLISTED_FIELDS = 'jti userId reason revokedBy expiresAt createdAt';

export const LOGOUT = `mutation Logout { logout { ${BLACKLISTED_FIELDS} } }`;

export const LOGOUT_ALL = `mutation LogoutAll { logoutAll }`;

export const REVOKE_TOKEN = `mutation RevokeToken($input: RevokeTokenInput!) {
  revokeToken(input: $input) { ${BLACKLISTED_FIELDS} }
}`;

export const REVOKE_USER_TOKENS = `mutation RevokeUserTokens($userId: ID!, $reason: String) {
  revokeUserTokens(userId: $userId, reason: $reason)
}`;

export const UPDATE_USER = `mutation UpdateUser($id: ID!, $role: Role, $disabled: Boolean) {
  updateUser(id: $id, role: $role, disabled: $disabled) { ${USER_FIELDS} }
}`;

export const PURGE = `mutation Purge { purgeExpiredTokens }`;

export const BLACKLISTED_TOKENS = `query Blacklisted($first: Int, $after: String, $userId: ID, $includeExpired: Boolean) {
  blacklistedTokens(first: $first, after: $after, userId: $userId, includeExpired: $includeExpired) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ${BLACKLISTED_FIELDS} } }
  }
}`;

export const AUDIT_EVENTS = `query Audit($first: Int, $after: String) {
  auditEvents(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id at action actorId targetUserId targetJti reason } }
  }
}`;

export interface UserData {
  id: string;
  email: string;
  role: 'USER' | 'ADMIN';
  disabled: boolean;
  createdAt: string;
}

export interface AuthPayloadData {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
  user: UserData;
}

export interface BlacklistedTokenData {
  jti: string;
  userId: string | null;
  reason: string | null;
  revokedBy: string | null;
  expiresAt: string;
  createdAt: string;
}

export interface Connection<TNode> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ cursor: string; node: TNode }>;
}

export const SESSION_FIELDS = 'id createdAt lastRefreshedAt expiresAt userAgent ipAddress current';

export const MY_SESSIONS = `query MySessions { mySessions { ${SESSION_FIELDS} } }`;

export const SESSIONS_OF = `query Sessions($userId: ID!) { sessions(userId: $userId) { ${SESSION_FIELDS} } }`;

export const REVOKE_SESSION = `mutation RevokeSession($id: ID!, $reason: String) {
  revokeSession(id: $id, reason: $reason) { ${SESSION_FIELDS} }
}`;

export const CHANGE_PASSWORD = `mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
  changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {
    accessToken refreshToken accessTokenExpiresAt user { ${USER_FIELDS} }
  }
}`;

export const REAUTHENTICATE = `mutation Reauthenticate($password: String, $code: String) {
  reauthenticate(password: $password, code: $code) {
    accessToken refreshToken accessTokenExpiresAt user { ${USER_FIELDS} }
  }
}`;

export const USERS = `query Users($first: Int, $after: String, $search: String) {
  users(first: $first, after: $after, search: $search) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ${USER_FIELDS} } }
  }
}`;

export const USER = `query User($id: ID, $email: EmailAddress) { user(id: $id, email: $email) { ${USER_FIELDS} } }`;

export const AUDIT_EVENTS_OF = `query AuditOf($userId: ID, $first: Int) {
  auditEvents(userId: $userId, first: $first) {
    totalCount
    edges { node { id at action actorId targetUserId targetJti targetSessionId reason } }
  }
}`;

export interface SessionData {
  id: string;
  createdAt: string;
  lastRefreshedAt: string;
  expiresAt: string;
  userAgent: string | null;
  ipAddress: string | null;
  current: boolean;
}

export interface AuditEventData {
  id: string;
  at: string;
  action: string;
  actorId: string | null;
  targetUserId: string | null;
  targetJti: string | null;
  /** Asked for by AUDIT_EVENTS_OF only. */
  targetSessionId?: string | null;
  reason: string | null;
}

export const SIGNING_KEY_FIELDS = 'kid algorithm state createdAt activatedAt retiredAt revokedAt revokedReason';
export const SIGNING_KEYS = `query SigningKeys { signingKeys { ${SIGNING_KEY_FIELDS} } }`;
export const ROTATE_SIGNING_KEY = `mutation Rotate { rotateSigningKey { ${SIGNING_KEY_FIELDS} } }`;
export const REVOKE_SIGNING_KEY = `mutation RevokeKey($kid: String!, $reason: String) {
  revokeSigningKey(kid: $kid, reason: $reason) { ${SIGNING_KEY_FIELDS} }
}`;

export interface SigningKeyData {
  kid: string;
  algorithm: 'HS256' | 'ES256';
  state: 'NEXT' | 'ACTIVE' | 'RETIRED' | 'REVOKED';
  createdAt: string;
  activatedAt: string;
  retiredAt: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
}

export const REQUEST_PASSWORD_RESET = `mutation RequestPasswordReset($email: EmailAddress!) {
  requestPasswordReset(email: $email)
}`;

export const RESET_PASSWORD = `mutation ResetPassword($token: String!, $newPassword: String!) {
  resetPassword(token: $token, newPassword: $newPassword)
}`;

export const PASSKEY_FIELDS = 'id name createdAt lastUsedAt deviceType backedUp';
export const START_PASSKEY_REGISTRATION = `mutation StartPasskeyRegistration { startPasskeyRegistration }`;
export const FINISH_PASSKEY_REGISTRATION = `mutation FinishPasskeyRegistration($response: JSONObject!, $name: String) {
  finishPasskeyRegistration(response: $response, name: $name) { ${PASSKEY_FIELDS} }
}`;
export const MY_PASSKEYS = `query MyPasskeys { myPasskeys { ${PASSKEY_FIELDS} } }`;
export const REMOVE_PASSKEY = `mutation RemovePasskey($id: ID!) { removePasskey(id: $id) }`;
export const START_PASSKEY_SIGN_IN = `mutation StartPasskeySignIn($email: EmailAddress) { startPasskeySignIn(email: $email) }`;
export const FINISH_PASSKEY_SIGN_IN = `mutation FinishPasskeySignIn($response: JSONObject!) {
  finishPasskeySignIn(response: $response) { accessToken refreshToken accessTokenExpiresAt user { ${USER_FIELDS} } }
}`;

export interface PasskeyData {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  deviceType: 'SINGLE_DEVICE' | 'MULTI_DEVICE';
  backedUp: boolean;
}
