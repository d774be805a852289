import { ArgsType, Field, ID } from 'type-graphql';
import { Role } from '../auth/role';
import { RoleType } from '../auth/role.type';

@ArgsType()
export class UpdateUserArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => RoleType, { nullable: true })
  role?: Role | null;

  @Field(() => Boolean, { nullable: true })
  disabled?: boolean | null;
}
