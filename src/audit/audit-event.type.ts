import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { ConnectionType } from '../relay/connection';
import { AuditAction } from './audit-action';

@ObjectType({ description: 'One entry of the append-only audit log.' })
export class AuditEvent {
  @Field(() => ID)
  id!: number;

  @Field(() => DateTimeResolver)
  at!: Date;

  @Field(() => AuditAction)
  action!: AuditAction;

  @Field(() => ID, { nullable: true, description: 'Who did it; null for the service itself.' })
  actorId!: string | null;

  @Field(() => ID, { nullable: true })
  targetUserId!: string | null;

  @Field(() => String, { nullable: true })
  targetJti!: string | null;

  @Field(() => ID, { nullable: true, description: 'The session it ended or changed, if one.' })
  targetSessionId!: string | null;

  @Field(() => String, { nullable: true })
  reason!: string | null;
}

@ObjectType()
export class AuditEventConnection extends ConnectionType(AuditEvent, 'AuditEvent') {}
