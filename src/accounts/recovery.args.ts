import { EmailAddressResolver } from 'graphql-scalars';
import { ArgsType, Field } from 'type-graphql';

@ArgsType()
export class RequestPasswordResetArgs {
  @Field(() => EmailAddressResolver)
  email!: string;
}

@ArgsType()
export class ResetPasswordArgs {
  @Field(() => String, { description: 'The token from the reset link: what follows `#token=`.' })
  token!: string;

  @Field(() => String, { description: 'At least 12 characters, as for `register`.' })
  newPassword!: string;
}
