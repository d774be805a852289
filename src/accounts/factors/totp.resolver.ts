import { Args, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../auth/role';
import { Auth, requireViewer } from '../../auth/auth.directive';
import type { RequestContext } from '../../auth/context';
import { DisableTotpArgs, TotpCodeArgs } from './factors.args';
import { TotpEnrollment } from './totp.type';

@Resolver()
export class TotpResolver {
  @Auth()
  @Mutation(() => TotpEnrollment, {
    description:
      'Starts setting up an authenticator app: a new secret, pending until confirmTotpEnrollment. Asking again replaces a pending one.',
  })
  startTotpEnrollment(@Ctx() context: RequestContext): Promise<TotpEnrollment> {
    return context.services.totp.startEnrollment(requireViewer(context));
  }

  @Auth()
  @Mutation(() => [String], {
    description:
      'Turns TOTP on with a code from the pending secret and ends my other sessions. Returns 10 recovery codes, shown only this once.',
  })
  confirmTotpEnrollment(
    @Args(() => TotpCodeArgs) { code }: TotpCodeArgs,
    @Ctx() context: RequestContext,
  ): Promise<string[]> {
    return context.services.totp.confirmEnrollment(requireViewer(context), code, context.record.clientAddress);
  }

  @Auth(Role.USER, { stepUp: true })
  @Mutation(() => Boolean, {
    description: 'Turns TOTP off, deletes my recovery codes and ends my other sessions.',
  })
  disableTotp(@Args(() => DisableTotpArgs) { code }: DisableTotpArgs, @Ctx() context: RequestContext): Promise<true> {
    return context.services.totp.disable(requireViewer(context), code, context.record.clientAddress);
  }

  @Auth(Role.USER, { stepUp: true })
  @Mutation(() => [String], {
    description:
      'Replaces my recovery codes with 10 new ones, shown only this once, and ends my other sessions. Needs a TOTP code.',
  })
  regenerateRecoveryCodes(
    @Args(() => TotpCodeArgs) { code }: TotpCodeArgs,
    @Ctx() context: RequestContext,
  ): Promise<string[]> {
    return context.services.totp.regenerateRecoveryCodes(requireViewer(context), code, context.record.clientAddress);
  }
}
