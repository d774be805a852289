import { ArgsType, Field, ID, Int } from 'type-graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../graphql/connection';
import { MAX_REASON_LENGTH } from './revocation.limits';

@ArgsType()
export class BlacklistedTokensArgs {
  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_PAGE_SIZE, description: `At most ${MAX_PAGE_SIZE}.` })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

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
