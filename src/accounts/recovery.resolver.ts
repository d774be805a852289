import { Args, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../auth/context';
import { Public } from '../auth/public';
import { RequestPasswordResetArgs, ResetPasswordArgs } from './recovery.args';

@Resolver()
export class RecoveryResolver {
  @Public()
  @Mutation(() => Boolean, {
    description:
      'Mails a password reset link to the account with this address, if there is an enabled one. Answers `true` either way, so the answer tells nobody whether the address has an account.',
  })
  requestPasswordReset(
    @Args(() => RequestPasswordResetArgs) { email }: RequestPasswordResetArgs,
    @Ctx() context: RequestContext,
  ): Promise<boolean> {
    return context.services.recovery.requestPasswordReset(email, context.record.clientAddress);
  }

  @Public()
  @Mutation(() => Boolean, {
    description:
      'Sets a new password with the token of a reset link, and ends every session and access token of the account. A bad, expired or spent token answers INVALID_OR_EXPIRED_LINK.',
  })
  resetPassword(
    @Args(() => ResetPasswordArgs) { token, newPassword }: ResetPasswordArgs,
    @Ctx() context: RequestContext,
  ): Promise<boolean> {
    return context.services.recovery.resetPassword(token, newPassword);
  }
}
