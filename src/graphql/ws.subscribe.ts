import { ApolloServerErrorCode } from '@apollo/server/errors';
import {
  getOperationAST,
  GraphQLError,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
  type ExecutionArgs,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../auth/context';
import type { WebSocketLimits } from '../config';
import { AppError, badUserInput, ErrorCode } from '../errors';
import { RequestRecord } from '../observability/request-record';
import { rootFieldLabel } from '../observability/request-tracking';
import type { SubscriptionTracking } from '../observability/subscription-tracking';
import type { Services } from '../services';
import { isAdministrator, isIntrospectionOnly } from './admin-introspection';
import type { AdmittedSockets, SocketContext } from './ws.admission';

export interface SubscribeDeps {
  schema: GraphQLSchema;
  services: Services;
  limits: Pick<WebSocketLimits, 'maxSubscriptionsPerSocket'>;
  /** The same refusals before execution as over HTTP. */
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
  /** Times each subscribe message until its stream runs or it is refused. */
  subscriptions: SubscriptionTracking;
  /** Production with ADMIN_SANDBOX: an ADMIN socket may also run a query that only introspects. */
  adminIntrospection: boolean;
}

type Prepared = { args: ExecutionArgs; operation: string } | { errors: GraphQLError[]; operation: string };

/** Coded as Apollo codes the same refusals over HTTP. */
const { GRAPHQL_PARSE_FAILED: PARSE_FAILED, GRAPHQL_VALIDATION_FAILED: VALIDATION_FAILED } = ApolloServerErrorCode;

const coded = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });

/** A `subscribe` message checked as an HTTP request would be, then turned into execution arguments. */
function prepare(
  deps: SubscribeDeps,
  admitted: AdmittedSockets,
  ctx: SocketContext,
  payload: SubscribePayload,
): Prepared {
  const { limits } = deps;
  const refuse = (errors: GraphQLError[], operation = 'none'): Prepared => ({ errors, operation });
  const socket = admitted.get(ctx.extra.socket);
  if (!socket) return refuse([badUserInput('The connection is not initialised.')]);
  const { liveSocket, source } = socket;
  // graphql-ws has already counted this one.
  if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerSocket) {
    return refuse([
      new AppError(
        ErrorCode.TOO_MANY_REQUESTS,
        `A socket runs at most ${limits.maxSubscriptionsPerSocket} subscriptions at once (WS_MAX_SUBSCRIPTIONS_PER_SOCKET).`,
      ),
    ]);
  }
  let document;
  try {
    document = parse(payload.query, deps.parseOptions);
  } catch (error) {
    return refuse([
      coded(error instanceof GraphQLError ? error.message : 'The document cannot be parsed.', PARSE_FAILED),
    ]);
  }
  const errors = validate(deps.schema, document, [...specifiedRules, ...deps.validationRules]);
  if (errors.length > 0) return refuse(errors.map((error) => coded(error.message, VALIDATION_FAILED)));
  const operation = getOperationAST(document, payload.operationName);
  if (!operation) return refuse([badUserInput('Name the operation to run: the document holds several.')]);
  const rootField = rootFieldLabel(operation);
  const introspects = deps.adminIntrospection && isAdministrator(liveSocket.viewer) && isIntrospectionOnly(operation);
  if (operation.operation !== OperationTypeNode.SUBSCRIPTION && !introspects) {
    return refuse([badUserInput('This socket runs subscriptions; send queries and mutations over HTTP.')], rootField);
  }
  const record = new RequestRecord(randomUUID(), source);
  record.rootField = rootField;
  const contextValue: RequestContext = {
    viewer: liveSocket.viewer,
    services: deps.services,
    record,
    refreshCookie: null,
    socket: liveSocket,
  };
  const args: ExecutionArgs = {
    schema: deps.schema,
    document,
    operationName: payload.operationName,
    variableValues: payload.variables,
    contextValue,
  };
  return { args, operation: rootField };
}

/** `subscribe`: the execution arguments of an admitted socket's subscription, or why it is refused. */
export function prepareSubscriptions(deps: SubscribeDeps, admitted: AdmittedSockets) {
  return (ctx: SocketContext, _id: string, payload: SubscribePayload): ExecutionArgs | GraphQLError[] => {
    const startedMs = performance.now();
    const prepared = prepare(deps, admitted, ctx, payload);
    if ('errors' in prepared) {
      deps.subscriptions.refused(prepared.operation, prepared.errors, startedMs);
      return prepared.errors;
    }
    deps.subscriptions.accepted(prepared.args, prepared.operation, startedMs);
    return prepared.args;
  };
}
