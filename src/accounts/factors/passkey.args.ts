import { EmailAddressResolver } from 'graphql-scalars';
import { JSONObjectScalar } from './json-object.scalar';
import { ArgsType, Field, ID } from 'type-graphql';
import { RefreshTokenDelivery } from '../../sessions/refresh-token-delivery';

@ArgsType()
export class FinishPasskeyRegistrationArgs {
  @Field(() => JSONObjectScalar, { description: 'The RegistrationResponseJSON of `navigator.credentials.create`.' })
  response!: Record<string, unknown>;

  @Field(() => String, { nullable: true, description: 'At most 64 characters; "Passkey" when left out.' })
  name?: string | null;
}

@ArgsType()
export class PasskeyIdArgs {
  @Field(() => ID)
  id!: string;
}

@ArgsType()
export class StartPasskeySignInArgs {
  @Field(() => EmailAddressResolver, {
    nullable: true,
    description: "Allows that account's passkeys only; without it, any discoverable passkey may answer.",
  })
  email?: string | null;
}

@ArgsType()
export class FinishPasskeySignInArgs {
  @Field(() => JSONObjectScalar, { description: 'The AuthenticationResponseJSON of `navigator.credentials.get`.' })
  response!: Record<string, unknown>;

  @Field(() => RefreshTokenDelivery, { nullable: true, defaultValue: RefreshTokenDelivery.BODY })
  refreshTokenDelivery?: RefreshTokenDelivery | null;
}
