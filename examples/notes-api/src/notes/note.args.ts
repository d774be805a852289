import { ArgsType, Field } from 'type-graphql';

@ArgsType()
export class CreateNoteArgs {
  @Field({ description: '1 to 200 characters.' })
  title!: string;

  @Field({ description: 'At most 10 000 characters.' })
  body!: string;
}
