import { errorCode, type GraphQLResponse } from './graphql-client';
import { LOGIN } from './operations';
import type { TestServer } from './test-server';

/** Low limits, so that a test reaches each stage in a few attempts. */
export const THROTTLE_ENV = {
  LOGIN_THROTTLE_EMAIL_FREE: '3',
  LOGIN_THROTTLE_EMAIL_MAX: '6',
  LOGIN_THROTTLE_ADDRESS_FREE: '4',
  LOGIN_THROTTLE_ADDRESS_MAX: '8',
  LOGIN_THROTTLE_WINDOW_SECONDS: '600',
  LOGIN_THROTTLE_MAX_DELAY_SECONDS: '60',
  // Each test signs in from an address of its own, named by the proxy in front.
  TRUST_PROXY: 'loopback',
};

let addressCounter = 0;
/** A client address no other attempt in this process has used. */
export const newAddress = () => `198.51.100.${(addressCounter += 1)}`;

export function signIn(server: TestServer, email: string, password: string, address: string) {
  return server.gql(LOGIN, { email, password }, { headers: { 'x-forwarded-for': address } });
}

export function expectRefused(response: GraphQLResponse<unknown>, retryAfter: number): void {
  expect(response.status).toBe(429);
  expect(errorCode(response)).toBe('TOO_MANY_REQUESTS');
  expect(response.errors?.[0]?.extensions?.retryAfter).toBe(retryAfter);
  expect(response.headers.get('retry-after')).toBe(String(retryAfter));
}
