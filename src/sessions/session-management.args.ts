import { ArgsType, Field, ID } from 'type-graphql';
import { MAX_REASON_LENGTH } from '../revocation/revocation.limits';

@ArgsType()
export class RevokeSessionArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => String, {
    nullable: true,
    description: `Shown to the holders of its tokens (${MAX_REASON_LENGTH} characters at most).`,
  })
  reason?: string | null;
}

@ArgsType()
export class ChangePasswordArgs {
  @Field(() => String)
  currentPassword!: string;

  @Field(() => String, { description: 'At least 12 characters.' })
  newPassword!: string;
}

@ArgsType()
export class ReauthenticateArgs {
  @Field(() => String, { nullable: true, description: 'My password, on an account without a second factor.' })
  password?: string | null;

  @Field(() => String, { nullable: true, description: 'A one-time code of my second factor.' })
  code?: string | null;
}
