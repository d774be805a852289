import { DateTimeResolver } from 'graphql-scalars';
import { Arg, Args, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Auth, requireViewer } from '../auth/auth.directive';
import type { RequestContext } from '../auth/context';
import { Role } from '../auth/role';
import type { BlacklistedTokenRow } from '../db/schema';
import { isStorableText } from '../db/storable-text';
import { checkPageSize, decodeCursor, encodeCursor, toConnection, type ConnectionShape } from '../relay/connection';
import { BlacklistedToken, BlacklistedTokenConnection } from './blacklisted-token.type';
import { BlacklistedTokensArgs, RevokeUserTokensArgs } from './revocation.args';
import { RevokeTokenInput } from './revoke-token.input';

type BlacklistCursor = [createdAtMs: number, jti: string];

/** The largest distance from the epoch, in ms, that a Date can hold. */
const MAX_DATE_MS = 8.64e15;

const isBlacklistCursor = (value: unknown): value is BlacklistCursor =>
  Array.isArray(value) &&
  value.length === 2 &&
  Number.isSafeInteger(value[0]) &&
  Math.abs(value[0] as number) <= MAX_DATE_MS &&
  typeof value[1] === 'string' &&
  isStorableText(value[1]);

const cursorOf = (row: BlacklistedTokenRow): string => encodeCursor([row.createdAt.getTime(), row.jti]);

@Resolver(() => BlacklistedToken)
export class RevocationResolver {
  @Auth(Role.ADMIN)
  @Query(() => BlacklistedTokenConnection, { description: 'Revoked tokens, newest first.' })
  async blacklistedTokens(
    @Args(() => BlacklistedTokensArgs) args: BlacklistedTokensArgs,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<BlacklistedTokenRow>> {
    const limit = checkPageSize(args.first);
    const after = args.after ? decodeCursor(args.after, isBlacklistCursor) : undefined;
    const { rows, totalCount } = await context.services.revocations.listBlacklisted(
      { userId: args.userId ?? undefined, includeExpired: args.includeExpired ?? false },
      { limit: limit + 1, after: after && { createdAt: new Date(after[0]), jti: after[1] } },
    );
    return toConnection(rows, limit, totalCount, (row) => row, cursorOf);
  }

  @Auth(Role.ADMIN)
  @Mutation(() => BlacklistedToken, { description: 'Blacklists one access token. Revoking twice is harmless.' })
  revokeToken(
    @Arg('input', () => RevokeTokenInput) input: RevokeTokenInput,
    @Ctx() context: RequestContext,
  ): Promise<BlacklistedTokenRow> {
    return context.services.revocations.revokeToken(input, requireViewer(context).userId);
  }

  @Auth(Role.ADMIN, { stepUp: true })
  @Mutation(() => DateTimeResolver, {
    description: 'Revokes every token the user holds now and ends their sessions; returns the cutoff.',
  })
  revokeUserTokens(
    @Args(() => RevokeUserTokensArgs) { userId, reason }: RevokeUserTokensArgs,
    @Ctx() context: RequestContext,
  ): Promise<Date> {
    return context.services.revocations.revokeUserTokens(userId, reason, requireViewer(context).userId);
  }

  @Auth(Role.ADMIN)
  @Mutation(() => Int, { description: 'Deletes expired blacklist entries now; returns how many.' })
  async purgeExpiredTokens(@Ctx() context: RequestContext): Promise<number> {
    const counts = await context.services.revocations.purgeExpiredTokens(requireViewer(context).userId);
    return counts.blacklistedTokens;
  }
}
