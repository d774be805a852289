import { Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Auth, requireViewer } from '../auth/auth.directive';
import type { RequestContext } from '../auth/context';
import { Role } from '../auth/role';
import type { UserRow } from '../db/schema';
import { UpdateUserArgs } from './update-user.args';
import { User } from './user.type';

@Resolver(() => User)
export class UserResolver {
  @Auth()
  @Query(() => User, { description: 'The signed-in user.' })
  me(@Ctx() context: RequestContext): Promise<UserRow> {
    return context.services.users.getUser(requireViewer(context).userId);
  }

  @Auth(Role.ADMIN, { stepUp: true })
  @Mutation(() => User, { description: "Changes a user's role or disabled flag; any change revokes all their tokens." })
  updateUser(
    @Args(() => UpdateUserArgs) { id, role, disabled }: UpdateUserArgs,
    @Ctx() context: RequestContext,
  ): Promise<UserRow> {
    return context.services.users.updateUser(id, { role, disabled }, requireViewer(context).userId);
  }
}
