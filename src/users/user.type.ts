import { DateTimeResolver, EmailAddressResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from '../auth/role';
import { RoleType } from '../auth/role.type';

@ObjectType({ description: 'An account that can sign in.' })
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => EmailAddressResolver)
  email!: string;

  @Field(() => RoleType)
  role!: Role;

  @Field(() => Boolean)
  disabled!: boolean;

  @Field(() => Boolean, {
    description:
      'Whether the owner opened a verification link mailed to `email`. Accounts made by an operator, and those that existed before verification did, count as verified.',
  })
  emailVerified!: boolean;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}
