import { readFileSync } from 'node:fs';
import { getDirective } from '@graphql-tools/utils';
import { isObjectType } from 'graphql';
import { SCHEMA_FILE } from '../src/graphql/emit-schema';
import { buildAppSchema, printAppSchema, PUBLIC_OPERATIONS } from '../src/graphql/schema';

const schema = buildAppSchema();

it('matches the committed schema.graphql (run `npm run schema:emit` after changing resolvers)', () => {
  expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printAppSchema(schema));
});

it('guards every Query, Mutation and Subscription field with @auth unless it is explicitly public', () => {
  const unguarded: string[] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!isObjectType(root)) continue;
    for (const field of Object.values(root.getFields())) {
      const guarded = (getDirective(schema, field, 'auth') ?? []).length > 0;
      if (!guarded && !PUBLIC_OPERATIONS.has(field.name)) unguarded.push(`${root.name}.${field.name}`);
      if (guarded && PUBLIC_OPERATIONS.has(field.name))
        unguarded.push(`${root.name}.${field.name} is public and guarded`);
    }
  }
  expect(unguarded).toEqual([]);
});

it('declares the directive and shows every use in the SDL', () => {
  const sdl = printAppSchema(schema);
  expect(sdl).toContain('directive @auth(requires: Role = USER) on FIELD_DEFINITION | OBJECT');
  expect(sdl).toMatch(/blacklistedTokens\([\s\S]*?\): BlacklistedTokenConnection! @auth\(requires: ADMIN\)/);
  expect(sdl).toMatch(/me: User! @auth\(requires: USER\)/);
});
