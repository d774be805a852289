import { DateTimeResolver } from 'graphql-scalars';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { JWT_ALGORITHMS, type JwtAlgorithm } from '../config';
import type { SigningKeyRow } from '../db/schema';
import { SigningKeyState, stateOf } from './key-state';

const JwtAlgorithmEnum = Object.fromEntries(JWT_ALGORITHMS.map((name) => [name, name])) as Record<
  JwtAlgorithm,
  JwtAlgorithm
>;
registerEnumType(JwtAlgorithmEnum, { name: 'JwtAlgorithm', description: 'How a signing key signs.' });

@ObjectType({ description: 'A key access tokens are signed with, named by the `kid` in their header.' })
export class SigningKey {
  @Field(() => String)
  kid!: string;

  @Field(() => JwtAlgorithmEnum)
  algorithm!: JwtAlgorithm;

  @Field(() => SigningKeyState, { description: 'The state now.' })
  state!: SigningKeyState;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver, { description: 'When it starts signing: in the future while NEXT.' })
  activatedAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it stops (or stopped) signing.' })
  retiredAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => String, { nullable: true })
  revokedReason!: string | null;
}

/** A stored key as the API and the admin CLI show it, with its state at `nowMs`. */
export function toSigningKey(row: SigningKeyRow, nowMs: number): SigningKey {
  return {
    kid: row.kid,
    algorithm: row.algorithm,
    state: stateOf(row, nowMs),
    createdAt: row.createdAt,
    activatedAt: row.activatedAt,
    retiredAt: row.retiredAt,
    revokedAt: row.revokedAt,
    revokedReason: row.revokedReason,
  };
}
