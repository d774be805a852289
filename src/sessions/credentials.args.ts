import { EmailAddressResolver } from 'graphql-scalars';
import { ArgsType, Field } from 'type-graphql';
import { RefreshTokenDelivery } from './refresh-token-delivery';

@ArgsType()
export class CredentialsArgs {
  @Field(() => EmailAddressResolver)
  email!: string;

  @Field(() => String, { description: 'At least 12 characters.' })
  password!: string;

  @Field(() => RefreshTokenDelivery, { nullable: true, defaultValue: RefreshTokenDelivery.BODY })
  refreshTokenDelivery?: RefreshTokenDelivery | null;
}
