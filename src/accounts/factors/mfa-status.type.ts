import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Which second factors an account has on.' })
export class MfaStatus {
  @Field(() => Boolean, { description: 'Whether an authenticator app (TOTP) is on.' })
  totp!: boolean;

  @Field(() => Int, { description: 'How many recovery codes are still unused.' })
  recoveryCodesLeft!: number;

  @Field(() => Int, { description: 'How many passkeys the account has.' })
  passkeys!: number;
}
