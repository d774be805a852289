import { ApolloServerValidationErrorCode } from '@apollo/server/errors';
import type { RequestHandler } from 'express';
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Viewer } from '../auth/context';
import { Role } from '../auth/role';

/** Apollo's own refusal, word for word: a caller must not tell from it that the feature is on. */
const REFUSAL =
  'GraphQL introspection is not allowed by Apollo Server, but the query contained __schema or __type. To enable introspection, pass introspection: true to ApolloServer in production';

const INTROSPECTION_FIELDS: ReadonlySet<string> = new Set(['__schema', '__type']);

/** Apollo's NoIntrospection rule (not exported by Apollo): the same errors, on the same nodes. */
const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (INTROSPECTION_FIELDS.has(node.name.value)) {
      context.reportError(
        new GraphQLError(REFUSAL, {
          nodes: [node],
          extensions: { validationErrorCode: ApolloServerValidationErrorCode.INTROSPECTION_DISABLED },
        }),
      );
    }
  },
});

export const isAdministrator = (viewer: Viewer | null): boolean => viewer?.role === Role.ADMIN;

/** A query that asks the schema about itself and nothing else: what Sandbox sends over a socket. */
export function isIntrospectionOnly(operation: OperationDefinitionNode): boolean {
  return (
    operation.operation === OperationTypeNode.QUERY &&
    operation.selectionSet.selections.every(
      (selection) =>
        selection.kind === Kind.FIELD &&
        (INTROSPECTION_FIELDS.has(selection.name.value) || selection.name.value === '__typename'),
    )
  );
}

/** As big as Apollo's own document cache (30 MiB, sized by the JSON of each document). */
const DOCUMENT_CACHE_BYTES = 30 * 2 ** 20;

/**
 * Introspection over HTTP for valid ADMIN tokens alone (production with ADMIN_SANDBOX). Apollo's
 * validation rules see the document and not the request, so the request's administrator flag
 * travels beside it in async local storage: `scope` opens it before Apollo runs, `admit` sets it
 * once the token is verified, `rule` reads it. Apollo answers everyone else with the refusal its
 * own rule gives, through its own validation error path.
 */
export class AdminIntrospection {
  private readonly requests = new AsyncLocalStorage<{ admin: boolean }>();

  readonly scope: RequestHandler = (_req, _res, next) => {
    this.requests.run({ admin: false }, next);
  };

  admit(viewer: Viewer | null): void {
    const request = this.requests.getStore();
    if (request && isAdministrator(viewer)) request.admin = true;
  }

  readonly rule: ValidationRule = (context) => (this.requests.getStore()?.admin ? {} : noIntrospection(context));

  private readonly documents = new LRUCache<string, DocumentNode>({
    maxSize: DOCUMENT_CACHE_BYTES,
    sizeCalculation: (document) => Math.max(1, Buffer.byteLength(JSON.stringify(document))),
  });

  /**
   * Apollo skips validation for a document it has validated before. A document validated for an
   * administrator is never kept: it would reach the next caller of the same query unchecked.
   */
  readonly documentStore = {
    get: (key: string) => Promise.resolve(this.documents.get(key)),
    set: (key: string, document: DocumentNode) => {
      if (!this.requests.getStore()?.admin) this.documents.set(key, document);
      return Promise.resolve();
    },
    delete: (key: string) => Promise.resolve(this.documents.delete(key)),
  };
}
