import { Field, ID, ObjectType } from 'type-graphql';
import { Auth, Role } from 'token-warden';

@ObjectType({ description: 'A note; only its owner (or an administrator) ever sees it.' })
export class Note {
  @Field(() => ID)
  id!: string;

  @Field()
  title!: string;

  @Field()
  body!: string;

  @Field()
  createdAt!: Date;

  // A single field of an app type behind a stronger rule than its type.
  @Auth(Role.ADMIN)
  @Field(() => ID, { description: 'The owner’s user id; administrators only.' })
  ownerId!: string;
}
