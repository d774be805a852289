import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { ConnectionType } from '../relay/connection';

@ObjectType({ description: 'A revoked access token, refused until it would have expired anyway.' })
export class BlacklistedToken {
  @Field(() => String)
  jti!: string;

  @Field(() => ID, { nullable: true })
  userId!: string | null;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => ID, { nullable: true, description: 'The user who revoked it.' })
  revokedBy!: string | null;

  @Field(() => DateTimeResolver, { description: "The token's own expiry; the entry is purged after it." })
  expiresAt!: Date;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}

@ObjectType()
export class BlacklistedTokenConnection extends ConnectionType(BlacklistedToken, 'BlacklistedToken') {}
