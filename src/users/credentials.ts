import { MIN_PASSWORD_LENGTH } from '../config';
import { badUserInput } from '../errors';

export const MAX_PASSWORD_LENGTH = 1024;
export const MAX_EMAIL_LENGTH = 254;

export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (normalized.length > MAX_EMAIL_LENGTH) throw badUserInput(`email must be at most ${MAX_EMAIL_LENGTH} characters`);
  return normalized;
}

export function checkPasswordShape(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw badUserInput(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw badUserInput(`password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
}
