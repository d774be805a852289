import { JSONObjectScalar } from './json-object.scalar';
import { Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Auth, requireViewer } from '../../auth/auth.directive';
import { Role } from '../../auth/role';
import type { RequestContext } from '../../auth/context';
import { Public } from '../../auth/public';
import { AuthPayload } from '../../sessions/auth-payload.type';
import { cookieFor, toPayload } from '../../sessions/session.resolver';
import {
  FinishPasskeyRegistrationArgs,
  FinishPasskeySignInArgs,
  PasskeyIdArgs,
  StartPasskeySignInArgs,
} from './passkey.args';
import { Passkey, toPasskey } from './passkey.type';

@Resolver()
export class PasskeyResolver {
  @Auth(Role.USER, { stepUp: true })
  @Mutation(() => JSONObjectScalar, {
    description:
      'Starts adding a passkey: the creation options, as JSON, for `navigator.credentials.create`; valid for 5 minutes.',
  })
  startPasskeyRegistration(@Ctx() context: RequestContext): Promise<Record<string, unknown>> {
    return context.services.passkeys.startRegistration(requireViewer(context));
  }

  @Auth()
  @Mutation(() => Passkey, {
    description:
      'Stores the passkey the authenticator made for the challenge of startPasskeyRegistration. Ends every other session of the account. INVALID_PASSKEY when it does not verify.',
  })
  async finishPasskeyRegistration(
    @Args(() => FinishPasskeyRegistrationArgs) { response, name }: FinishPasskeyRegistrationArgs,
    @Ctx() context: RequestContext,
  ): Promise<Passkey> {
    return toPasskey(await context.services.passkeys.finishRegistration(requireViewer(context), response, name));
  }

  @Auth()
  @Query(() => [Passkey], { description: 'My passkeys, oldest first.' })
  async myPasskeys(@Ctx() context: RequestContext): Promise<Passkey[]> {
    return (await context.services.passkeys.list(requireViewer(context))).map(toPasskey);
  }

  @Auth(Role.USER, { stepUp: true })
  @Mutation(() => Boolean, {
    description:
      'Removes one of my passkeys and ends every other session of the account; NOT_FOUND when it is not mine.',
  })
  removePasskey(@Args(() => PasskeyIdArgs) { id }: PasskeyIdArgs, @Ctx() context: RequestContext): Promise<boolean> {
    return context.services.passkeys.remove(requireViewer(context), id);
  }

  @Public()
  @Mutation(() => JSONObjectScalar, {
    description:
      'Starts signing in with a passkey: the request options, as JSON, for `navigator.credentials.get`; valid for 5 minutes.',
  })
  startPasskeySignIn(
    @Args(() => StartPasskeySignInArgs) { email }: StartPasskeySignInArgs,
    @Ctx() context: RequestContext,
  ): Promise<Record<string, unknown>> {
    return context.services.passkeySignIn.start(email);
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description:
      "Signs in with the assertion answering startPasskeySignIn's challenge; no password, and no second factor asked. Signed in already, it is a step-up of the current session (same user only) and returns a fresh pair for it. INVALID_PASSKEY when it does not verify.",
  })
  async finishPasskeySignIn(
    @Args(() => FinishPasskeySignInArgs) { response, refreshTokenDelivery }: FinishPasskeySignInArgs,
    @Ctx() context: RequestContext,
  ): Promise<AuthPayload> {
    const cookie = cookieFor(refreshTokenDelivery, context);
    const tokens = await context.services.passkeySignIn.finish(response, context.record, context.viewer);
    return toPayload(tokens, context, cookie);
  }
}
