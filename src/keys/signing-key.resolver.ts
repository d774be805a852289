import { Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Auth, requireViewer } from '../auth/auth.directive';
import type { RequestContext } from '../auth/context';
import { Role } from '../auth/role';
import { RevokeSigningKeyArgs } from './signing-key.args';
import { SigningKey, toSigningKey } from './signing-key.type';

@Resolver(() => SigningKey)
export class SigningKeyResolver {
  @Auth(Role.ADMIN)
  @Query(() => [SigningKey], { description: 'Every signing key, newest first.' })
  async signingKeys(@Ctx() context: RequestContext): Promise<SigningKey[]> {
    const rows = await context.services.signingKeys.list();
    const now = context.services.clock();
    return rows.map((row) => toSigningKey(row, now));
  }

  @Auth(Role.ADMIN, { stepUp: true })
  @Mutation(() => SigningKey, {
    description:
      'Publishes a new key as NEXT on every instance; it starts signing after SIGNING_KEY_PUBLISH_SECONDS, and the current key is RETIRED then.',
  })
  async rotateSigningKey(@Ctx() context: RequestContext): Promise<SigningKey> {
    const row = await context.services.signingKeys.rotate(requireViewer(context).userId);
    return toSigningKey(row, context.services.clock());
  }

  @Auth(Role.ADMIN, { stepUp: true })
  @Mutation(() => SigningKey, {
    description:
      'Refuses every token the key signed, on every instance, and drops it from the JWKS. Revoking the key that signs rotates first. Revoking twice is harmless.',
  })
  async revokeSigningKey(
    @Args(() => RevokeSigningKeyArgs) { kid, reason }: RevokeSigningKeyArgs,
    @Ctx() context: RequestContext,
  ): Promise<SigningKey> {
    const row = await context.services.signingKeys.revoke(kid, reason, requireViewer(context).userId);
    return toSigningKey(row, context.services.clock());
  }
}
