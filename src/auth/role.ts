export enum Role {
  USER = 'USER',
  ADMIN = 'ADMIN',
}

/** Roles from least to most privileged: a role satisfies every requirement at or below its rank. */
export const ROLES = [Role.USER, Role.ADMIN] as const;

export function roleSatisfies(held: Role, required: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(required);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
