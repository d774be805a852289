import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { Auth } from '../auth/auth.directive';
import type { RequestContext } from '../auth/context';
import { Role } from '../auth/role';
import type { UserRow } from '../db/schema';
import { checkPageSize, decodeCursor, encodeCursor, toConnection, type ConnectionShape } from '../relay/connection';
import { badUserInput } from '../errors';
import { UserConnection } from './user-connection.type';
import { UserLookupArgs, UsersArgs } from './user-directory.args';
import { MAX_EMAIL_LENGTH } from './credentials';
import { User } from './user.type';

const isEmailCursor = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= MAX_EMAIL_LENGTH;

/** Finding accounts: what an administrator needs before acting on one by id. */
@Resolver(() => User)
export class UserDirectoryResolver {
  @Auth(Role.ADMIN)
  @Query(() => UserConnection, {
    description: 'Every account, by email; `search` keeps those whose email contains it.',
  })
  async users(
    @Args(() => UsersArgs) args: UsersArgs,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<UserRow>> {
    const limit = checkPageSize(args.first);
    const afterEmail = args.after ? decodeCursor(args.after, isEmailCursor) : undefined;
    const { rows, totalCount } = await context.services.users.listUsers(args.search ?? undefined, {
      limit: limit + 1,
      afterEmail,
    });
    return toConnection(
      rows,
      limit,
      totalCount,
      (row) => row,
      (row) => encodeCursor(row.email),
    );
  }

  @Auth(Role.ADMIN)
  @Query(() => User, { nullable: true, description: 'The account with this id or this email (give exactly one).' })
  user(
    @Args(() => UserLookupArgs) { id, email }: UserLookupArgs,
    @Ctx() context: RequestContext,
  ): Promise<UserRow | null> {
    if ((id == null) === (email == null)) throw badUserInput('Give exactly one of id or email.');
    return context.services.users.findUser(id != null ? { id } : { email: email as string });
  }
}
