import { EmailAddressResolver } from 'graphql-scalars';
import { ArgsType, Field } from 'type-graphql';

@ArgsType()
export class RequestEmailVerificationArgs {
  @Field(() => EmailAddressResolver)
  email!: string;
}

@ArgsType()
export class ChangeEmailArgs {
  @Field(() => EmailAddressResolver)
  newEmail!: string;

  @Field(() => String, { description: 'The current password of the account.' })
  password!: string;
}

@ArgsType()
export class VerifyEmailArgs {
  @Field(() => String, { description: 'The token from the verification link: what follows `#token=`.' })
  token!: string;
}
