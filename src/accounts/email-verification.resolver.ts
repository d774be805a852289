import { Args, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../auth/context';
import { Public } from '../auth/public';
import { RequestEmailVerificationArgs, VerifyEmailArgs } from './email-verification.args';

@Resolver()
export class EmailVerificationResolver {
  @Public()
  @Mutation(() => Boolean, {
    description:
      'Mails a new verification link to the enabled, unverified account with this address, if there is one. Answers `true` either way, so the answer tells nobody whether the address has an account or is verified.',
  })
  requestEmailVerification(
    @Args(() => RequestEmailVerificationArgs) { email }: RequestEmailVerificationArgs,
    @Ctx() context: RequestContext,
  ): Promise<boolean> {
    return context.services.emailVerification.requestEmailVerification(email, context.record.clientAddress);
  }

  @Public()
  @Mutation(() => Boolean, {
    description:
      'Marks the address of the account verified with the token of a verification link. A bad, expired or spent token answers INVALID_OR_EXPIRED_LINK.',
  })
  verifyEmail(
    @Args(() => VerifyEmailArgs) { token }: VerifyEmailArgs,
    @Ctx() context: RequestContext,
  ): Promise<boolean> {
    return context.services.emailVerification.verifyEmail(token);
  }
}
