import type { SigningKeyRow } from '../db/schema';
import { toSigningKey } from '../keys/signing-key.type';
import { JSON_OUTPUT, parse, REASON, UsageError, type Command } from './admin.command';

/** A key as `--json` prints it: what an operator needs to pick one, and nothing secret. */
function keyOutput(row: SigningKeyRow, nowMs: number) {
  const { kid, algorithm, state, createdAt, activatedAt, retiredAt } = toSigningKey(row, nowMs);
  return { kid, algorithm, state, createdAt, activatedAt, retiredAt };
}

const iso = (at: Date | null) => at?.toISOString() ?? '-';

/** The signing keys, with the same effect as the GraphQL mutations: audited, and announced to every instance. */
export const KEY_COMMANDS: Record<string, Command> = {
  'list-keys': (args) => {
    const values = parse(args, JSON_OUTPUT);
    return async (services, io) => {
      const nowMs = services.clock();
      const keys = (await services.signingKeys.list()).map((row) => keyOutput(row, nowMs));
      if (values.json) {
        io.out(JSON.stringify({ keys }));
        return;
      }
      for (const key of keys) {
        io.out(
          [key.kid, key.algorithm, key.state, iso(key.createdAt), iso(key.activatedAt), iso(key.retiredAt)].join('\t'),
        );
      }
      io.out(`${keys.length} signing keys`);
    };
  },

  'rotate-key': (args) => {
    const values = parse(args, JSON_OUTPUT);
    return async (services, io) => {
      const key = keyOutput(await services.signingKeys.rotate(null, 'rotated with the admin CLI'), services.clock());
      if (values.json) io.out(JSON.stringify({ key }));
      else io.out(`published key ${key.kid} (${key.algorithm}, ${key.state}); it signs from ${iso(key.activatedAt)}`);
    };
  },

  'revoke-key': (args) => {
    const values = parse(args, { kid: { type: 'string' }, ...REASON, ...JSON_OUTPUT });
    const { kid } = values;
    if (kid === undefined || kid === '') throw new UsageError('--kid is required');
    return async (services, io) => {
      const reason = values.reason ?? 'signing key revoked with the admin CLI';
      const row = await services.signingKeys.revoke(kid, reason, null);
      const key = keyOutput(row, services.clock());
      if (values.json) io.out(JSON.stringify({ key }));
      else io.out(`revoked key ${key.kid} (${row.revokedReason ?? reason}): every token it signed is refused`);
    };
  },
};
