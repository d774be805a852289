import { DateTimeResolver } from 'graphql-scalars';
import { Field, ObjectType, registerEnumType } from 'type-graphql';

export enum SessionEventKind {
  REVOKED = 'REVOKED',
}

registerEnumType(SessionEventKind, {
  name: 'SessionEventKind',
  valuesConfig: { REVOKED: { description: 'The token of this socket was revoked; the socket closes with 4403 next.' } },
});

@ObjectType({ description: 'Something that happened to the session of the subscribing token.' })
export class SessionEvent {
  @Field(() => SessionEventKind)
  kind!: SessionEventKind;

  @Field(() => String, { nullable: true, description: 'Why, as `TOKEN_REVOKED` carries it in `extensions.reason`.' })
  reason!: string | null;

  @Field(() => DateTimeResolver)
  at!: Date;
}
