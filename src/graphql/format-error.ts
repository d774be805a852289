import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { AppError, ErrorCode } from '../errors';
import { tokenLimitMessage } from './limit-refusals';

/** Apollo's own request-level errors (parse, validation, variables): safe to show as they are. */
const APOLLO_CLIENT_CODES: ReadonlySet<unknown> = new Set(
  Object.values(ApolloServerErrorCode).filter((code) => code !== ApolloServerErrorCode.INTERNAL_SERVER_ERROR),
);

/** graphql-js's "Did you mean …" hints map the schema for whoever probes it. */
const FIELD_SUGGESTION = /Did you mean ".+"/g;

/**
 * Lets our coded errors and Apollo's request errors through; replaces anything else, whose
 * message may carry SQL or internals, with a generic error after logging the original. With
 * `hideSuggestions`, field suggestions leave validation messages on either transport.
 */
export function createErrorFormatter(log: (error: unknown) => void, hideSuggestions: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof AppError) return formatted;
    const code = formatted.extensions?.code;
    if (code === ApolloServerErrorCode.GRAPHQL_PARSE_FAILED) {
      const message = tokenLimitMessage(formatted.message);
      return message === null ? formatted : { ...formatted, message };
    }
    if (APOLLO_CLIENT_CODES.has(code)) {
      return hideSuggestions && formatted.message.includes('Did you mean')
        ? { ...formatted, message: formatted.message.replace(FIELD_SUGGESTION, '[Suggestion hidden]') }
        : formatted;
    }
    log(original);
    return { message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}
