import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum RevocationKind {
  TOKEN = 'TOKEN',
  SESSION = 'SESSION',
  USER = 'USER',
  KEY = 'KEY',
}

registerEnumType(RevocationKind, {
  name: 'RevocationKind',
  valuesConfig: {
    TOKEN: { description: 'One access token, by `jti`.' },
    SESSION: { description: 'Every access token of one session, by `sessionId`: a logout or a revoked session.' },
    USER: { description: 'Every token the user held at `at`: a logout everywhere, a revocation or an account change.' },
    KEY: { description: 'Every token signed with one signing key, by `kid`.' },
  },
});

@ObjectType({ description: 'A revocation committed on any instance.' })
export class RevocationEvent {
  @Field(() => RevocationKind)
  kind!: RevocationKind;

  @Field(() => String, { nullable: true })
  jti!: string | null;

  @Field(() => ID, { nullable: true })
  userId!: string | null;

  @Field(() => ID, { nullable: true })
  sessionId!: string | null;

  @Field(() => String, { nullable: true, description: 'The revoked signing key, for a `KEY` revocation.' })
  kid!: string | null;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The administrator or user who revoked; null for the service itself.',
  })
  revokedBy!: string | null;

  @Field(() => DateTimeResolver)
  at!: Date;
}
