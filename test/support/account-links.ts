import { errorCode, type GraphQLResponse } from './graphql-client';

/** The one answer to a malformed, unknown, expired or spent link token, whatever the flow. */
export function expectInvalidLink(response: GraphQLResponse<unknown>): void {
  expect(response.status).toBe(400);
  expect(errorCode(response)).toBe('INVALID_OR_EXPIRED_LINK');
  expect(response.errors?.[0]?.message).toBe('This link is not valid or has expired; ask for a new one.');
  expect(response.data?.valueOf()).toBeFalsy();
}
