import { GraphQLError, type ValidationContext } from 'graphql';

/**
 * The words of a refusal for one of the limits before execution. graphql-armor and graphql-js's
 * parser word theirs as "Syntax Error: …", which sends a client looking for a typo in a document
 * that is well formed and only too large.
 */
function limitMessage(measure: string, found: string | undefined, limit: number, variable: string): string {
  const over = found === undefined ? 'over' : `${found}, over`;
  return `The query's ${measure} is ${over} the limit of ${limit} (${variable}).`;
}

/**
 * graphql-armor options for one rule: the refusal is reported to the validation context (a 400
 * with GRAPHQL_VALIDATION_FAILED, as armor's own reporter does) in our words instead of armor's.
 */
export function armorLimit(measure: string, limit: number, variable: string) {
  return {
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        // Armor passes what it found only inside its message: "…exceeded, found 16."
        const found = /found (\d+(?:\.\d+)?)/.exec(error.message)?.[1];
        context?.reportError(new GraphQLError(limitMessage(measure, found, limit, variable)));
      },
    ],
  };
}

const TOKEN_LIMIT = /^Syntax Error: Document contains more that (\d+) tokens/;

/** graphql-js's token-limit refusal (its `maxTokens` parse option) in our words; null for any other message. */
export function tokenLimitMessage(message: string): string | null {
  const limit = TOKEN_LIMIT.exec(message)?.[1];
  return limit === undefined ? null : `The document has more than ${limit} tokens, the limit (GRAPHQL_MAX_TOKENS).`;
}
