import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import type { SessionRow } from '../db/schema';

@ObjectType({ description: 'One sign-in on one device, kept alive by refreshing its tokens.' })
export class Session {
  @Field(() => ID)
  id!: string;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver, { description: 'Its last refresh; the sign-in itself when never refreshed.' })
  lastRefreshedAt!: Date;

  @Field(() => DateTimeResolver, { description: 'When its refresh token lapses.' })
  expiresAt!: Date;

  @Field(() => String, { nullable: true, description: 'The User-Agent of the sign-in, at most 200 characters.' })
  userAgent!: string | null;

  @Field(() => String, { nullable: true, description: 'The client address of the sign-in.' })
  ipAddress!: string | null;

  @Field(() => Boolean, { description: 'Whether the calling access token belongs to this session.' })
  current!: boolean;
}

/** The public view of a stored session; `currentSessionId` is the caller's. */
export function toSession(row: SessionRow, currentSessionId: string | null): Session {
  return {
    id: row.id,
    createdAt: row.createdAt,
    lastRefreshedAt: row.rotatedAt ?? row.createdAt,
    expiresAt: row.expiresAt,
    userAgent: row.userAgent,
    ipAddress: row.ipAddress,
    current: row.id === currentSessionId,
  };
}
