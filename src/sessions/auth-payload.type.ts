import { DateTimeResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { User } from '../users/user.type';

@ObjectType({ description: 'A fresh pair of tokens and the user they belong to.' })
export class AuthPayload {
  @Field(() => String, { description: 'Send as `Authorization: Bearer <accessToken>`; keep it in memory.' })
  accessToken!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Single use: each refresh returns a new one. Null when it was delivered in the refresh cookie.',
  })
  refreshToken!: string | null;

  @Field(() => DateTimeResolver)
  accessTokenExpiresAt!: Date;

  @Field(() => User)
  user!: User;
}
