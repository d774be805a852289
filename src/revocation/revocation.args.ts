import { ArgsType, Field, ID } from 'type-graphql';
import { PageArgs } from '../relay/connection';
import { MAX_REASON_LENGTH } from './revocation.limits';

@ArgsType()
export class BlacklistedTokensArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: "Only this user's tokens." })
  userId?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  includeExpired?: boolean | null;
}

@ArgsType()
export class RevokeUserTokensArgs {
  @Field(() => ID)
  userId!: string;

  @Field(() => String, {
    nullable: true,
    description: `Shown to the holders (${MAX_REASON_LENGTH} characters at most).`,
  })
  reason?: string | null;
}
