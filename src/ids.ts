import { badUserInput } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Our ids are UUIDs; anything else can name no row, and must not reach a uuid column as a cast error. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A user id given by a client: a malformed one is the client's mistake, not an unknown user. */
export function checkUserId(value: string, argument: string): string {
  if (!isUuid(value)) throw badUserInput(`${argument} is not a valid user id`);
  return value;
}
