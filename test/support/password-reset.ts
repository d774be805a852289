import type { GraphQLResponse } from './graphql-client';
import { REQUEST_PASSWORD_RESET, RESET_PASSWORD } from './operations';
import type { TestServer } from './test-server';

let addressCounter = 0;
/** A client address of its own for each request series, named by the proxy in front (TRUST_PROXY=loopback). */
export const resetAddress = (): string => {
  addressCounter += 1;
  return `203.0.${Math.floor(addressCounter / 250)}.${(addressCounter % 250) + 1}`;
};

export function requestReset(
  server: Pick<TestServer, 'gql'>,
  email: string,
  address = resetAddress(),
): Promise<GraphQLResponse<{ requestPasswordReset: boolean }>> {
  return server.gql(REQUEST_PASSWORD_RESET, { email }, { headers: { 'x-forwarded-for': address } });
}

export function resetPassword(
  server: Pick<TestServer, 'gql'>,
  token: string,
  newPassword: string,
): Promise<GraphQLResponse<{ resetPassword: boolean }>> {
  return server.gql(RESET_PASSWORD, { token, newPassword });
}
