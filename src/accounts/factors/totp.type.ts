import { Field, ObjectType } from 'type-graphql';

@ObjectType({
  description: 'A TOTP secret waiting for its first code: show the URI as a QR code, or the secret to type.',
})
export class TotpEnrollment {
  @Field(() => String, { description: 'The shared secret, base32, as the URI carries it.' })
  secret!: string;

  @Field(() => String, { description: 'An `otpauth://totp/…` URI: SHA-1, 6 digits, 30 seconds, issuer MFA_ISSUER.' })
  otpauthUri!: string;
}
