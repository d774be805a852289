import { Args, Ctx, Mutation, Resolver } from 'type-graphql';
import { Auth, requireViewer } from '../auth/auth.directive';
import type { RequestContext } from '../auth/context';
import { Role } from '../auth/role';
import { Public } from '../auth/public';
import { ChangeEmailArgs, RequestEmailVerificationArgs, VerifyEmailArgs } from './email-verification.args';

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

  @Auth(Role.USER, { stepUp: true })
  @Mutation(() => Boolean, {
    description:
      'Mails a link to `newEmail` that moves my account there, and a notice to my current address. Applied when the link is opened (`verifyEmail`): then my other sessions end and the old address is told. An address in use answers the same `true`, and its owner gets a notice instead.',
  })
  changeEmail(
    @Args(() => ChangeEmailArgs) { newEmail, password }: ChangeEmailArgs,
    @Ctx() context: RequestContext,
  ): Promise<boolean> {
    const viewer = requireViewer(context);
    return context.services.emailChange.requestEmailChange(viewer, newEmail, password, context.record.clientAddress);
  }
}
