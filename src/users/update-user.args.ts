import { ArgsType, Field, ID } from 'type-graphql';
import { Role } from '../auth/role';

@ArgsType()
export class UpdateUserArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => Role, { nullable: true })
  role?: Role | null;

  @Field(() => Boolean, { nullable: true })
  disabled?: boolean | null;
}
