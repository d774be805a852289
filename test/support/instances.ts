import { randomUUID } from 'node:crypto';
import type { UnverifiedClaims } from '../../src/auth/claims';
import { decodeJwtPart } from './forge';
import { postGraphQL } from './graphql-client';
import { REFRESH, type AuthPayloadData } from './operations';
import { createTestDatabase, type TestDatabase } from './test-database';
import { startTestServer, type StartOptions, type TestServer } from './test-server';

/** Several service instances on one database, as behind a load balancer. */
export class Instances {
  private readonly started: TestServer[] = [];

  private constructor(readonly database: TestDatabase) {}

  static async create(): Promise<Instances> {
    return new Instances(await createTestDatabase());
  }

  /** Starts one more instance; `testDatabase` may route it differently to the same database. */
  async start(options: StartOptions = {}): Promise<TestServer> {
    const instance = await startTestServer({ testDatabase: this.database, ...options });
    this.started.push(instance);
    return instance;
  }

  /** Stops every instance, then drops the database even when a stop failed; then throws what failed. */
  async stopAll(): Promise<void> {
    const stopped = await Promise.allSettled(this.started.map((instance) => instance.stop({ drop: false })));
    await this.database.drop();
    const failures = stopped.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    if (failures.length > 0) {
      throw new AggregateError(
        failures,
        `${failures.length} instance(s) failed to stop: ${failures.map(String).join('; ')}`,
      );
    }
  }
}

/** `count` distinct live access tokens of one session, minted by refreshing (no password hashing). */
export async function mintAccessTokens(graphqlUrl: string, first: AuthPayloadData, count: number): Promise<string[]> {
  const tokens: string[] = [];
  let refreshToken = first.refreshToken;
  for (let i = 0; i < count; i += 1) {
    const response = await postGraphQL<{ refreshToken: AuthPayloadData }>(graphqlUrl, REFRESH, { refreshToken });
    const payload = response.data?.refreshToken;
    if (!payload) throw new Error(`refresh failed: ${JSON.stringify(response.errors)}`);
    tokens.push(payload.accessToken);
    refreshToken = payload.refreshToken;
  }
  return tokens;
}

export function claimsOf(token: string): UnverifiedClaims {
  const payload = decodeJwtPart(token, 1);
  return {
    jti: String(payload.jti),
    sub: String(payload.sub),
    sid: String(payload.sid),
    issuedAtMs: Math.round(Number(payload.iat) * 1000),
    kid: String(decodeJwtPart(token, 0).kid),
  };
}

/** Claims of a token nobody was issued, for checking a jti revoked by id alone. */
export function claimsForJti(jti: string): UnverifiedClaims {
  return { jti, sub: randomUUID(), sid: randomUUID(), issuedAtMs: Date.now(), kid: null };
}
