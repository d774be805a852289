import { DateTimeResolver, EmailAddressResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from '../auth/role';

@ObjectType({ description: 'An account that can sign in.' })
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => EmailAddressResolver)
  email!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => Boolean)
  disabled!: boolean;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}
