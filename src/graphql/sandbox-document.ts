/**
 * What Sandbox opens with: the operations an administrator needs during an incident, named so
 * that Sandbox lists them, with one set of variables they share (an operation ignores the ones it
 * does not declare). `test/sandbox-document.test.ts` validates it against the schema and the
 * request limits, since Sandbox sends the whole document with every request.
 */
export const SANDBOX_DOCUMENT = `# Token Warden administration. Fill in the Variables below, then run an operation.
# 1. Run "SignIn" and copy the accessToken from the answer.
# 2. In the Headers tab below, add: Authorization = Bearer <accessToken>
# 3. Run "WhoAmI": every other operation needs an ADMIN token.
mutation SignIn($email: EmailAddress!, $password: String!) {
  login(email: $email, password: $password) {
    accessToken
    accessTokenExpiresAt
    user { id email role }
  }
}

# With a second factor, "SignIn" answers MFA_REQUIRED: copy extensions.mfaToken into $mfaToken,
# put a code from your authenticator app (or a recovery code) in $code, and run this.
mutation CompleteSignIn($mfaToken: String!, $code: String!) {
  completeLogin(mfaToken: $mfaToken, code: $code) {
    accessToken
    accessTokenExpiresAt
    user { id email role }
  }
}

query WhoAmI {
  me { id email role }
}

# Operations that change accounts or keys answer STEP_UP_REQUIRED once your sign-in is older than
# STEP_UP_MAX_AGE_SECONDS: run this, put the new accessToken in the Authorization header, retry.
mutation Reauthenticate($password: String!) {
  reauthenticate(password: $password) { accessToken accessTokenExpiresAt }
}

# The same with a second factor (a TOTP or recovery code in $code), which such an account needs.
mutation ReauthenticateWithCode($code: String!) {
  reauthenticate(code: $code) { accessToken accessTokenExpiresAt }
}

# Accounts whose email contains $search, in any case. Copy an id into $userId.
query FindUsers($search: String!) {
  users(first: 20, search: $search) {
    totalCount
    edges { node { id email role disabled createdAt } }
  }
}

# The user's live sessions (copy an id into $sessionId) and what was done by or to them.
query UserSessionsAndAudit($userId: ID!) {
  sessions(userId: $userId) { id createdAt lastRefreshedAt expiresAt ipAddress userAgent }
  auditEvents(userId: $userId, first: 20) {
    edges { node { id at action actorId targetSessionId targetJti reason } }
  }
}

# Ends one session: its refresh token stops working, its access tokens are refused at once.
mutation RevokeSession($sessionId: ID!, $reason: String) {
  revokeSession(id: $sessionId, reason: $reason) { id createdAt ipAddress userAgent }
}

# Revokes every token the user holds now and ends all their sessions; returns the cutoff.
mutation RevokeUserTokens($userId: ID!, $reason: String) {
  revokeUserTokens(userId: $userId, reason: $reason)
}

# Blacklists one access token by its jti (from an audit event or a token's payload).
mutation RevokeToken($jti: String!, $reason: String) {
  revokeToken(input: { jti: $jti, reason: $reason }) { jti userId reason expiresAt }
}

# Disables the account, which revokes its tokens too; run again with disabled: false to undo.
mutation DisableUser($userId: ID!) {
  updateUser(id: $userId, disabled: true) { id email disabled }
}

query SigningKeys {
  signingKeys { kid algorithm state createdAt activatedAt retiredAt revokedAt }
}

# Publishes a new key; it signs after SIGNING_KEY_PUBLISH_SECONDS.
mutation RotateSigningKey {
  rotateSigningKey { kid state activatedAt }
}

# Refuses every token the key signed, on every instance. Copy $kid from "SigningKeys".
mutation RevokeSigningKey($kid: String!, $reason: String) {
  revokeSigningKey(kid: $kid, reason: $reason) { kid state revokedAt }
}

# Every revocation committed on any instance, live, until you stop it.
subscription Revocations {
  revocations { kind at jti userId sessionId kid reason revokedBy }
}
`;

/** The variables the operations above declare; empty strings are what to fill in. */
export const SANDBOX_VARIABLES = {
  email: 'admin@example.com',
  password: '',
  mfaToken: '',
  code: '',
  search: '@example.com',
  userId: '',
  sessionId: '',
  jti: '',
  kid: '',
  reason: 'incident response',
};
