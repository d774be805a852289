import { decodeJwtPart } from './forge';
import { basicAuth } from './revocation-events';
import {
  LOGOUT,
  LOGOUT_ALL,
  REFRESH,
  REQUEST_PASSWORD_RESET,
  RESET_PASSWORD,
  REVOKE_SESSION,
  REVOKE_SIGNING_KEY,
  REVOKE_TOKEN,
  REVOKE_USER_TOKENS,
  UPDATE_USER,
  type AuthPayloadData,
} from './operations';
import { enrolTotp, RESET_USER_MFA } from './mfa';
import { uniqueEmail, type TestServer } from './test-server';
import { waitFor } from './wait';

/** The service a revocation is made on: an instance started in-process, as every test here has. */
export type RevokingServer = Pick<
  TestServer,
  'baseUrl' | 'gql' | 'register' | 'login' | 'loginAdmin' | 'logs' | 'clock'
>;

export interface Revoked {
  /** A token the revocation covers. */
  refused: string;
  /** The reason the service recorded, as a verifier must report it. */
  reason: string | null;
  /** A token of someone else (or another session) it must leave alone. */
  kept: string;
}

export interface RevocationKind {
  name: string;
  /** Makes the revocation on `server`; resolves once the revoking request has answered. */
  revoke(server: RevokingServer, oauthClient: { id: string; secret: string }): Promise<Revoked>;
}

const claim = (token: string, name: string) => String(decodeJwtPart(token, 1)[name]);

async function answered<T>(response: Promise<{ data?: T | null; errors?: unknown }>): Promise<T> {
  const { data, errors } = await response;
  if (data === undefined || data === null) throw new Error(`the revoking request failed: ${JSON.stringify(errors)}`);
  return data;
}

/** The reset link's token, from the log line a development server writes instead of sending mail. */
async function resetTokenMailedTo(server: RevokingServer, email: string): Promise<string> {
  let link: string | undefined;
  await waitFor(
    () => {
      const line = server.logs.entries().find((entry) => entry.to === email && entry.mailKind === 'password_reset');
      link = typeof line?.link === 'string' ? line.link : undefined;
      return link !== undefined;
    },
    3000,
    `the reset mail to ${email}`,
    10,
  );
  const token = new URL(link ?? '').hash.replace(/^#token=/, '');
  if (token === '') throw new Error(`no token in ${link ?? ''}`);
  return token;
}

async function asAdmin(server: RevokingServer): Promise<string> {
  return (await server.loginAdmin()).accessToken;
}

/**
 * Every way the service revokes an access token, each made through its public API. The signing key
 * revocation refuses every token of the key and rotates a new one in: run it last.
 */
export const REVOCATION_KINDS: RevocationKind[] = [
  {
    name: 'revokeToken',
    async revoke(server) {
      const [user, other] = await Promise.all([server.register(), server.register()]);
      const input = { jti: claim(user.accessToken, 'jti'), reason: 'leaked in a log' };
      await answered(server.gql(REVOKE_TOKEN, { input }, { token: await asAdmin(server) }));
      return { refused: user.accessToken, reason: 'leaked in a log', kept: other.accessToken };
    },
  },
  {
    name: 'logout',
    async revoke(server) {
      const [user, other] = await Promise.all([server.register(), server.register()]);
      await answered(server.gql(LOGOUT, {}, { token: user.accessToken }));
      return { refused: user.accessToken, reason: 'logged out', kept: other.accessToken };
    },
  },
  {
    name: 'revokeSession',
    async revoke(server) {
      const [user, other] = await Promise.all([server.register(), server.register()]);
      const id = claim(user.accessToken, 'sid');
      await answered(server.gql(REVOKE_SESSION, { id, reason: 'lost phone' }, { token: await asAdmin(server) }));
      return { refused: user.accessToken, reason: 'lost phone', kept: other.accessToken };
    },
  },
  {
    name: 'logoutAll',
    async revoke(server) {
      const [user, other] = await Promise.all([server.register(), server.register()]);
      await answered(server.gql(LOGOUT_ALL, {}, { token: user.accessToken }));
      return { refused: user.accessToken, reason: 'logged out everywhere', kept: other.accessToken };
    },
  },
  {
    name: 'revokeUserTokens',
    async revoke(server) {
      const [user, other] = await Promise.all([server.register(), server.register()]);
      const userId = claim(user.accessToken, 'sub');
      await answered(server.gql(REVOKE_USER_TOKENS, { userId, reason: 'fraud' }, { token: await asAdmin(server) }));
      return { refused: user.accessToken, reason: 'fraud', kept: other.accessToken };
    },
  },
  {
    name: 'updateUser (disabled)',
    async revoke(server) {
      const [user, other] = await Promise.all([server.register(), server.register()]);
      const id = claim(user.accessToken, 'sub');
      await answered(server.gql(UPDATE_USER, { id, disabled: true }, { token: await asAdmin(server) }));
      return { refused: user.accessToken, reason: 'account changed: disabled', kept: other.accessToken };
    },
  },
  {
    name: 'refresh-token reuse',
    async revoke(server) {
      const [user, other] = await Promise.all([server.register(), server.register()]);
      const rotated = await answered(
        server.gql<{ refreshToken: AuthPayloadData }>(REFRESH, { refreshToken: user.refreshToken }),
      );
      const reuse = await server.gql(REFRESH, { refreshToken: user.refreshToken });
      if (reuse.errors === undefined) throw new Error('a reused refresh token was accepted');
      return {
        refused: rotated.refreshToken.accessToken,
        reason: 'refresh token reuse detected',
        kept: other.accessToken,
      };
    },
  },
  {
    name: 'resetPassword',
    async revoke(server) {
      const email = uniqueEmail('reset');
      const [user, other] = await Promise.all([server.register(email), server.register()]);
      await answered(server.gql(REQUEST_PASSWORD_RESET, { email }));
      const token = await resetTokenMailedTo(server, email);
      await answered(server.gql(RESET_PASSWORD, { token, newPassword: 'a new password nobody else knows' }));
      return { refused: user.accessToken, reason: 'password reset', kept: other.accessToken };
    },
  },
  {
    name: 'confirmTotpEnrollment',
    async revoke(server) {
      const user = await server.register();
      const laptop = await server.login(user.user.email, user.password);
      // Turning TOTP on ends every other session of the account; the enrolling one stays.
      await enrolTotp(server, user.accessToken);
      return { refused: laptop.accessToken, reason: 'second factor changed', kept: user.accessToken };
    },
  },
  {
    name: 'resetUserMfa',
    async revoke(server) {
      const [user, other] = await Promise.all([server.register(), server.register()]);
      const userId = claim(user.accessToken, 'sub');
      await answered(server.gql(RESET_USER_MFA, { userId }, { token: await asAdmin(server) }));
      return { refused: user.accessToken, reason: 'second factor changed', kept: other.accessToken };
    },
  },
  {
    name: '/oauth/revoke',
    async revoke(server, client) {
      const [user, other] = await Promise.all([server.register(), server.register()]);
      const response = await fetch(`${server.baseUrl}/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...basicAuth(client.id, client.secret) },
        body: new URLSearchParams({ token: user.accessToken, token_type_hint: 'access_token' }).toString(),
      });
      if (response.status !== 200) throw new Error(`/oauth/revoke answered ${response.status}`);
      return { refused: user.accessToken, reason: `revoked by OAuth client ${client.id}`, kept: other.accessToken };
    },
  },
  {
    name: 'revokeSigningKey',
    async revoke(server) {
      const user = await server.register();
      const kid = String(decodeJwtPart(user.accessToken, 0).kid);
      const admin = await asAdmin(server);
      await answered(server.gql(REVOKE_SIGNING_KEY, { kid, reason: 'key exposed' }, { token: admin }));
      // Revoking the signing key rotated a new one in: a token issued now is under it.
      const after = await server.register();
      return { refused: user.accessToken, reason: 'key exposed', kept: after.accessToken };
    },
  },
];
