const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Our ids are UUIDs; anything else can name no row, and must not reach a uuid column as a cast error. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
