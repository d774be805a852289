import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { PasskeyRow } from '../../db/schema';

export enum PasskeyDeviceType {
  SINGLE_DEVICE = 'SINGLE_DEVICE',
  MULTI_DEVICE = 'MULTI_DEVICE',
}

registerEnumType(PasskeyDeviceType, {
  name: 'PasskeyDeviceType',
  description: 'Whether a passkey can leave the authenticator that made it.',
  valuesConfig: {
    SINGLE_DEVICE: { description: 'Bound to one authenticator (a security key, a device without sync).' },
    MULTI_DEVICE: { description: 'May be synced to other devices, as password managers and platform accounts do.' },
  },
});

@ObjectType({ description: 'A WebAuthn credential that signs its owner in without a password.' })
export class Passkey {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'The name its owner gave it.' })
  name!: string;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Its last sign-in; null when never used.' })
  lastUsedAt!: Date | null;

  @Field(() => PasskeyDeviceType)
  deviceType!: PasskeyDeviceType;

  @Field(() => Boolean, { description: 'Whether the authenticator says it is backed up (synced).' })
  backedUp!: boolean;
}

export function toPasskey(row: PasskeyRow): Passkey {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    deviceType: row.deviceType === 'multiDevice' ? PasskeyDeviceType.MULTI_DEVICE : PasskeyDeviceType.SINGLE_DEVICE,
    backedUp: row.backedUp,
  };
}
