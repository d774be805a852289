import { Args, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Auth, requireViewer } from '../../auth/auth.directive';
import type { RequestContext } from '../../auth/context';
import { Public } from '../../auth/public';
import { Role, roleSatisfies } from '../../auth/role';
import type { UserRow } from '../../db/schema';
import { forbidden } from '../../errors';
import { AuthPayload } from '../../sessions/auth-payload.type';
import { cookieFor, toPayload } from '../../sessions/session.resolver';
import { User } from '../../users/user.type';
import { CompleteLoginArgs, ResetUserMfaArgs } from './factors.args';
import { MfaStatus } from './mfa-status.type';
import type { MfaStatusData } from './mfa.service';

@Resolver(() => User)
export class MfaResolver {
  @Auth()
  @FieldResolver(() => MfaStatus, {
    description: 'Which second factors are on. Only the user themselves and administrators may read it.',
  })
  mfa(@Root() user: UserRow, @Ctx() context: RequestContext): Promise<MfaStatusData> {
    const viewer = requireViewer(context);
    if (viewer.userId !== user.id && !roleSatisfies(viewer.role, Role.ADMIN)) {
      throw forbidden("Only the user and administrators may see a user's second factors.");
    }
    return context.services.mfa.status(user.id);
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description:
      'Finishes a sign-in that answered MFA_REQUIRED, with its mfaToken and a TOTP code or a recovery code (spent once used).',
  })
  async completeLogin(
    @Args(() => CompleteLoginArgs) { mfaToken, code, refreshTokenDelivery }: CompleteLoginArgs,
    @Ctx() context: RequestContext,
  ): Promise<AuthPayload> {
    const cookie = cookieFor(refreshTokenDelivery, context);
    const tokens = await context.services.mfaSignIn.completeLogin(mfaToken, code, context.record);
    return toPayload(tokens, context, cookie);
  }

  @Auth(Role.ADMIN, { stepUp: true })
  @Mutation(() => Boolean, {
    description:
      "Removes every second factor of a user who lost them, and ends all the user's sessions: the next sign-in needs the password only.",
  })
  resetUserMfa(
    @Args(() => ResetUserMfaArgs) { userId, reason }: ResetUserMfaArgs,
    @Ctx() context: RequestContext,
  ): Promise<true> {
    return context.services.mfa.resetUserMfa(userId, reason, requireViewer(context).userId);
  }
}
