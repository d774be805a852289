import { EmailAddressResolver } from 'graphql-scalars';
import { ArgsType, Field } from 'type-graphql';

@ArgsType()
export class CredentialsArgs {
  @Field(() => EmailAddressResolver)
  email!: string;

  @Field(() => String, { description: 'At least 12 characters.' })
  password!: string;
}
