import { Field, InputType } from 'type-graphql';

@InputType({ description: 'Names the token to revoke: exactly one of token or jti.' })
export class RevokeTokenInput {
  @Field(() => String, { nullable: true, description: 'The access token itself; its signature must verify.' })
  token?: string | null;

  @Field(() => String, { nullable: true })
  jti?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Shown to the holder when the token is refused (500 characters at most).',
  })
  reason?: string | null;
}
