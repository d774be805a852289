import { ArgsType, Field, ID } from 'type-graphql';
import { RefreshTokenDelivery } from '../../sessions/refresh-token-delivery';
import { MAX_REASON_LENGTH } from '../../revocation/revocation.limits';

@ArgsType()
export class TotpCodeArgs {
  @Field(() => String, { description: 'The 6-digit code the authenticator app shows now.' })
  code!: string;
}

@ArgsType()
export class DisableTotpArgs {
  @Field(() => String, { description: 'The 6-digit code the authenticator app shows now, or an unused recovery code.' })
  code!: string;
}

@ArgsType()
export class CompleteLoginArgs {
  @Field(() => String, { description: 'From the MFA_REQUIRED error of `login`: `extensions.mfaToken`.' })
  mfaToken!: string;

  @Field(() => String, {
    description: 'A 6-digit TOTP code, or a recovery code (`xxxxx-xxxxx`, any case, dash optional).',
  })
  code!: string;

  @Field(() => RefreshTokenDelivery, { nullable: true, defaultValue: RefreshTokenDelivery.BODY })
  refreshTokenDelivery?: RefreshTokenDelivery | null;
}

@ArgsType()
export class ResetUserMfaArgs {
  @Field(() => ID)
  userId!: string;

  @Field(() => String, {
    nullable: true,
    description: `Kept in the audit trail (${MAX_REASON_LENGTH} characters at most).`,
  })
  reason?: string | null;
}
