import { ArgsType, Field } from 'type-graphql';
import { RefreshTokenDelivery } from './refresh-token-delivery';

@ArgsType()
export class RefreshArgs {
  @Field(() => String, { nullable: true, description: 'Omit to use the refresh cookie.' })
  refreshToken?: string | null;

  @Field(() => RefreshTokenDelivery, {
    nullable: true,
    defaultValue: RefreshTokenDelivery.BODY,
    description: 'Ignored for a token from the cookie: its successor always goes back into the cookie.',
  })
  refreshTokenDelivery?: RefreshTokenDelivery | null;
}
