import { ArgsType, Field } from 'type-graphql';
import { MAX_REASON_LENGTH } from '../revocation/revocation.limits';

@ArgsType()
export class RevokeSigningKeyArgs {
  @Field(() => String)
  kid!: string;

  @Field(() => String, {
    nullable: true,
    description: `Shown to the holders of the tokens it signed (${MAX_REASON_LENGTH} characters at most).`,
  })
  reason?: string | null;
}
