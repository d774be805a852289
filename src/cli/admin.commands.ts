import { EmailAddressResolver } from 'graphql-scalars';
import { randomBytes } from 'node:crypto';
import { Role } from '../auth/role';
import { badUserInput } from '../errors';
import { toSession } from '../sessions/session.type';
import { parse, REASON, UsageError, type Command } from './admin.command';
import { AUDIT_COMMANDS } from './audit.commands';
import { KEY_COMMANDS } from './keys.commands';

export const USAGE = `Usage: npm run admin -- <command> [options]
       token-warden-admin <command> [options]

Works on the database the service is configured for (DATABASE_URL, or the embedded one under
DATA_DIR); revocations reach running instances at once through PostgreSQL notifications.

Commands:
  create-user --email <email> [--admin] [--password-stdin]
        Create an account (role USER, or ADMIN with --admin). The password is read from the first
        line of standard input with --password-stdin; otherwise one is generated and printed once.
  revoke (--jti <jti> | --token <access token>) [--reason <text>]
        Blacklist one access token until it expires.
  revoke-user (--user-id <id> | --email <email>) [--reason <text>]
        Revoke every token the user holds now and end all their sessions.
  list-sessions (--email <email> | --user-id <id>) [--json]
        The user's live sessions, newest first: id, signed in, last refreshed, address, user agent.
  revoke-session --id <session id> [--reason <text>]
        End one session: its refresh token stops working and its access tokens are refused.
  list-revoked [--user-id <id>] [--limit <n>] [--include-expired] [--json]
        Blacklisted tokens, newest first (default limit 20, at most 100).
  purge
        Delete expired blacklist entries and dead sessions now.
  list-keys [--json]
        The signing keys, newest first: kid, algorithm, state, created, signs from, retired.
  rotate-key [--json]
        Publish a new signing key; it signs after SIGNING_KEY_PUBLISH_SECONDS, when the current one retires.
  revoke-key --kid <kid> [--reason <text>] [--json]
        Refuse every token the key signed, on every instance; a key that signs is replaced first.
  export-audit [--since <ISO 8601>] [--until <ISO 8601>] [--out <file>]
        The audit events, oldest first, as JSON Lines with their hash-chain links (to standard
        output, or to the file).
  verify-audit [--json]
        Recompute the audit hash chain: exit 0 with the number of events verified, or exit 1
        naming the first event changed, removed or inserted out of order.
  help
        Show this text.
`;

function exactlyOne(values: Record<string, unknown>, a: string, b: string): void {
  if ((values[a] === undefined) === (values[b] === undefined))
    throw new UsageError(`give exactly one of --${a} or --${b}`);
}

function checkEmail(email: string): string {
  try {
    return EmailAddressResolver.parseValue(email);
  } catch {
    throw badUserInput(`not an email address: ${email}`);
  }
}

export const COMMANDS: Record<string, Command> = {
  'create-user': (args) => {
    const values = parse(args, {
      email: { type: 'string' },
      admin: { type: 'boolean' },
      'password-stdin': { type: 'boolean' },
    });
    const { email } = values;
    if (email === undefined) throw new UsageError('--email is required');
    return async (services, io) => {
      const generated = values['password-stdin'] ? null : randomBytes(18).toString('base64url');
      const password = generated ?? (await io.readStdinLine());
      const user = await services.users.createUser(checkEmail(email), password, values.admin ? Role.ADMIN : Role.USER);
      io.out(`created ${user.role} ${user.email} (id ${user.id})`);
      if (generated) io.out(`password: ${generated}`);
    };
  },

  revoke: (args) => {
    const values = parse(args, { jti: { type: 'string' }, token: { type: 'string' }, ...REASON });
    exactlyOne(values, 'jti', 'token');
    return async (services, io) => {
      const entry = await services.revocations.revokeToken(
        { jti: values.jti, token: values.token, reason: values.reason ?? 'revoked with the admin CLI' },
        null,
      );
      io.out(`revoked ${entry.jti} until ${entry.expiresAt.toISOString()} (${entry.reason ?? 'no reason'})`);
    };
  },

  'revoke-user': (args) => {
    const values = parse(args, { 'user-id': { type: 'string' }, email: { type: 'string' }, ...REASON });
    exactlyOne(values, 'user-id', 'email');
    return async (services, io) => {
      const userId = values['user-id'] ?? (await services.users.getUserByEmail(checkEmail(values.email ?? ''))).id;
      const reason = values.reason ?? 'all tokens revoked with the admin CLI';
      const cutoff = await services.revocations.revokeUserTokens(userId, reason, null);
      io.out(`revoked every token of user ${userId} issued up to ${cutoff.toISOString()}`);
    };
  },

  'list-sessions': (args) => {
    const values = parse(args, { 'user-id': { type: 'string' }, email: { type: 'string' }, json: { type: 'boolean' } });
    exactlyOne(values, 'user-id', 'email');
    return async (services, io) => {
      const userId = values['user-id'] ?? (await services.users.getUserByEmail(checkEmail(values.email ?? ''))).id;
      const sessions = await services.sessionManagement.liveSessionsOf(userId);
      if (values.json) {
        io.out(JSON.stringify({ userId, sessions: sessions.map((row) => toSession(row, null)) }));
        return;
      }
      for (const row of sessions) {
        const session = toSession(row, null);
        io.out(
          [
            session.id,
            session.createdAt.toISOString(),
            session.lastRefreshedAt.toISOString(),
            session.ipAddress ?? '-',
            session.userAgent ?? '-',
          ].join('\t'),
        );
      }
      io.out(`${sessions.length} live sessions of user ${userId}`);
    };
  },

  'revoke-session': (args) => {
    const values = parse(args, { id: { type: 'string' }, ...REASON });
    if (values.id === undefined) throw new UsageError('--id is required');
    const id = values.id;
    return async (services, io) => {
      const reason = values.reason ?? 'session revoked with the admin CLI';
      const session = await services.sessionManagement.revoke(id, reason, null);
      io.out(`ended session ${session.id} of user ${session.userId} (${session.revokedReason ?? reason})`);
    };
  },

  'list-revoked': (args) => {
    const values = parse(args, {
      'user-id': { type: 'string' },
      limit: { type: 'string' },
      'include-expired': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const limit = values.limit === undefined ? 20 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new UsageError('--limit must be 1 to 100');
    return async (services, io) => {
      const { rows, totalCount } = await services.revocations.listBlacklisted(
        { userId: values['user-id'], includeExpired: values['include-expired'] ?? false },
        { limit },
      );
      if (values.json) {
        io.out(JSON.stringify({ totalCount, entries: rows }));
        return;
      }
      for (const row of rows) {
        io.out(
          [row.jti, row.userId ?? '-', row.expiresAt.toISOString(), row.revokedBy ?? 'cli', row.reason ?? ''].join(
            '\t',
          ),
        );
      }
      io.out(`${rows.length} of ${totalCount} shown`);
    };
  },

  purge: (args) => {
    parse(args, {});
    return async (services, io) => {
      const counts = await services.revocations.purgeExpiredTokens(null);
      io.out(
        `deleted ${counts.blacklistedTokens} expired blacklist entries, ${counts.sessions} dead sessions, ` +
          `${counts.accessTokens} expired access-token records`,
      );
    };
  },

  ...KEY_COMMANDS,
  ...AUDIT_COMMANDS,
};
