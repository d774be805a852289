import { readFileSync } from 'node:fs';
import { denyByDefaultViolations } from '../src/auth/deny-by-default';
import { isPublic } from '../src/auth/public';
import { SCHEMA_FILE } from '../src/graphql/emit-schema';
import { buildAppSchema, printAppSchema } from '../src/graphql/schema';

const schema = buildAppSchema();

it('matches the committed schema.graphql (run `npm run schema:emit` after changing resolvers)', () => {
  expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printAppSchema(schema));
});

it('guards every Query, Mutation and Subscription field with @auth unless it is marked @Public()', () => {
  expect(denyByDefaultViolations(schema)).toEqual({ unguarded: [], contradictory: [] });
});

it('marks exactly register, login, completeLogin, refreshToken, the password reset, email verification and passkey sign-in public, and keeps the marker out of the SDL', () => {
  const publicOperations = Object.values(schema.getMutationType()?.getFields() ?? {})
    .filter(isPublic)
    .map((field) => field.name);
  expect(publicOperations.sort()).toEqual([
    'completeLogin',
    'finishPasskeySignIn',
    'login',
    'refreshToken',
    'register',
    'requestEmailVerification',
    'requestPasswordReset',
    'resetPassword',
    'startPasskeySignIn',
    'verifyEmail',
  ]);
  expect(printAppSchema(schema)).not.toMatch(/public/i);
});

it('declares the directive and shows every use in the SDL', () => {
  const sdl = printAppSchema(schema);
  expect(sdl).toContain('directive @auth(requires: Role = USER, stepUp: Boolean = false) on FIELD_DEFINITION | OBJECT');
  expect(sdl).toMatch(/blacklistedTokens\([\s\S]*?\): BlacklistedTokenConnection! @auth\(requires: ADMIN\)/);
  expect(sdl).toMatch(/me: User! @auth\(requires: USER\)/);
});
