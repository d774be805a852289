import { EmailAddressResolver } from 'graphql-scalars';
import { ArgsType, Field, ID } from 'type-graphql';
import { PageArgs } from '../relay/connection';

@ArgsType()
export class UsersArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Part of the email, in any case.' })
  search?: string | null;
}

@ArgsType()
export class UserLookupArgs {
  @Field(() => ID, { nullable: true })
  id?: string | null;

  @Field(() => EmailAddressResolver, { nullable: true })
  email?: string | null;
}
