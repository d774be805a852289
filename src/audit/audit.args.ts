import { ArgsType, Field, ID } from 'type-graphql';
import { PageArgs } from '../relay/connection';

@ArgsType()
export class AuditEventsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only events this user did or that were done to them.' })
  userId?: string | null;
}
