import { getMetadataStorage } from 'type-graphql';

/** The field names each root type gets from `resolvers`, as `Type.field`. */
function operationsOf(resolvers: readonly unknown[]): Map<string, unknown> {
  const storage = getMetadataStorage();
  const owners = new Map<string, unknown>();
  const handlers = [
    ...storage.queries.map((handler) => ({ root: 'Query', handler })),
    ...storage.mutations.map((handler) => ({ root: 'Mutation', handler })),
    ...storage.subscriptions.map((handler) => ({ root: 'Subscription', handler })),
  ];
  for (const { root, handler } of handlers) {
    if (resolvers.includes(handler.target)) owners.set(`${root}.${handler.schemaName}`, handler.target);
  }
  return owners;
}

/**
 * Refuses, with the offending entry named, what type-graphql would otherwise accept silently: a
 * value that is no resolver class (it would add nothing), or an operation an app declares again
 * under a built-in name (it would replace the built-in one).
 */
export function checkResolverClasses(resolvers: readonly unknown[], builtIn: readonly unknown[]): void {
  if (!Array.isArray(resolvers)) throw new TypeError('resolvers must be an array of type-graphql resolver classes');
  const declared = new Set<unknown>(getMetadataStorage().resolverClasses.map((metadata) => metadata.target));
  resolvers.forEach((resolver: unknown, index) => {
    if (typeof resolver !== 'function') {
      throw new TypeError(`resolvers[${index}] is not a class: pass the resolver classes themselves`);
    }
    if (!declared.has(resolver)) {
      throw new TypeError(
        `resolvers[${index}] (${resolver.name}) is not a type-graphql resolver: decorate it with @Resolver(), and let the app and token-warden share one type-graphql (a peer dependency)`,
      );
    }
  });
  const builtInOperations = operationsOf(builtIn);
  const clashes = [...operationsOf(resolvers).keys()].filter((name) => builtInOperations.has(name));
  if (clashes.length > 0) {
    throw new TypeError(
      `${clashes.join(', ')} already exist among the built-in operations: give the app's a different name`,
    );
  }
}
