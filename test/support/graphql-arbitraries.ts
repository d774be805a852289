import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql';

/** Real values a fuzzed input may pick, so that some calls reach deep into the resolvers. */
export interface ValuePools {
  ids: string[];
  strings: string[];
}

const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', minLength: 300, maxLength: 2000 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\u202e\u200b',
    "x'; DROP TABLE users; --",
    '%s%n%x',
    '{"$ne": null}',
    '../../etc/passwd',
    '\ud800',
  ),
);

/** Strings shaped like our opaque cursors (base64url of JSON), with hostile contents. */
const cursorLike = fc
  .oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.tuple(fc.oneof(fc.integer(), fc.constantFrom(2 ** 53 - 1, -(2 ** 53 - 1), 8.64e15 + 1)), hostileText),
    fc.constantFrom(2 ** 53 - 1, -1, 0),
  )
  .map((value) => Buffer.from(JSON.stringify(value)).toString('base64url'));

function scalarArbitrary(name: string, pools: ValuePools): fc.Arbitrary<unknown> {
  const pooled = (values: string[]) => (values.length > 0 ? [fc.constantFrom(...values)] : []);
  switch (name) {
    case 'String':
      return fc.oneof(hostileText, cursorLike, ...pooled(pools.strings));
    case 'ID':
      return fc.oneof(fc.uuid(), hostileText, ...pooled(pools.ids));
    case 'Int':
      return fc.oneof(
        fc.integer(),
        fc.constantFrom(0, -1, 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 53),
        fc.double({ noNaN: true }),
      );
    case 'Boolean':
      return fc.boolean();
    case 'EmailAddress':
      return fc.oneof(
        fc.emailAddress(),
        fc.emailAddress().map((email) => email.toUpperCase()),
        fc.constant(`${'a'.repeat(300)}@example.com`),
        hostileText,
      );
    case 'DateTime':
      return fc.oneof(
        fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
        hostileText,
      );
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Values for a GraphQL input type: mostly of the right shape, sometimes of any JSON shape at all. */
export function inputArbitrary(type: GraphQLInputType, pools: ValuePools): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 5, arbitrary: shapedArbitrary(type, pools) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}

function shapedArbitrary(type: GraphQLInputType, pools: ValuePools): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return shapedArbitrary(type.ofType, pools);
  if (isListType(type)) return fc.array(inputArbitrary(type.ofType, pools), { maxLength: 4 });
  if (isEnumType(type)) return fc.oneof(fc.constantFrom(...type.getValues().map((value) => value.name)), hostileText);
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    return fc.record(Object.fromEntries(fields.map((field) => [field.name, inputArbitrary(field.type, pools)])), {
      requiredKeys: [],
    });
  }
  return scalarArbitrary(type.name, pools);
}

/** Variables for every argument of a field, any of which may be left out. */
export function argumentsArbitrary(
  args: readonly GraphQLArgument[],
  pools: ValuePools,
): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(args.map((arg) => [arg.name, inputArbitrary(arg.type, pools)])), {
    requiredKeys: [],
  });
}

/** `mutation($a: T!, …) { field(a: $a) { __typename } }`: one operation that passes each argument as a variable. */
export function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const declarations = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const passed = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return `${kind} Fuzz${declarations ? `(${declarations})` : ''} { ${field.name}${passed ? `(${passed})` : ''}${selection} }`;
}
