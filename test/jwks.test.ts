import type { createRemoteJWKSet } from 'jose' with { 'resolution-mode': 'import' };
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwtPart } from './support/forge';
import { errorCode } from './support/graphql-client';
import {
  ME,
  REFRESH,
  REVOKE_SIGNING_KEY,
  ROTATE_SIGNING_KEY,
  type AuthPayloadData,
  type SigningKeyData,
} from './support/operations';
import { kidOf } from './support/signing-keys';
import { createTestDatabase } from './support/test-database';
import { useTestServer } from './support/shared-server';
import { startTestServer, type TestServer } from './support/test-server';

type RemoteKeySet = ReturnType<typeof createRemoteJWKSet>;

async function jwks(server: TestServer): Promise<{ response: Response; keys: Array<Record<string, string>> }> {
  const response = await fetch(`${server.baseUrl}/.well-known/jwks.json`);
  const body = (await response.json()) as { keys: Array<Record<string, string>> };
  return { response, keys: body.keys };
}

describe('ES256: other services verify our tokens from the JWKS with jose', () => {
  const server = useTestServer({ env: { JWT_ALGORITHM: 'ES256', JWT_ISSUER: 'https://auth.example.test' } });
  let admin: AuthPayloadData;
  beforeAll(async () => {
    admin = await server.loginAdmin();
  });

  async function verifyWithJose(token: string, remote: RemoteKeySet) {
    const { jwtVerify } = await import('jose');
    return jwtVerify(token, remote, {
      issuer: 'https://auth.example.test',
      audience: 'token-warden',
      typ: 'at+jwt',
      algorithms: ['ES256'],
      currentDate: new Date(server.clock.now()),
    });
  }

  it('publishes the public key only, with a short Cache-Control, and jose verifies before and after a rotation', async () => {
    const { createRemoteJWKSet } = await import('jose');
    // No cooldown: the test clock runs ahead of jose's own, which would otherwise wait 30 s before refetching.
    const remote = createRemoteJWKSet(new URL(`${server.baseUrl}/.well-known/jwks.json`), { cooldownDuration: 0 });
    const user = await server.register();
    const { response, keys } = await jwks(server);
    expect(response.headers.get('cache-control')).toBe('public, max-age=10');
    const coordinate: unknown = expect.any(String);
    expect(keys).toEqual([
      {
        kty: 'EC',
        crv: 'P-256',
        x: coordinate,
        y: coordinate,
        kid: kidOf(user.accessToken),
        alg: 'ES256',
        use: 'sig',
      },
    ]);
    const before = await verifyWithJose(user.accessToken, remote);
    expect(before.payload.sub).toBe(user.user.id);
    expect(before.protectedHeader).toMatchObject({ alg: 'ES256', kid: kidOf(user.accessToken) });

    const rotated = await server.gql<{ rotateSigningKey: SigningKeyData }>(
      ROTATE_SIGNING_KEY,
      {},
      { token: admin.accessToken },
    );
    const next = rotated.data?.rotateSigningKey;
    expect(next).toMatchObject({ algorithm: 'ES256', state: 'NEXT' });
    // Published before it signs: a verifier that fetches now already knows it.
    expect((await jwks(server)).keys.map((key) => key.kid).sort()).toEqual([kidOf(user.accessToken), next?.kid].sort());

    server.clock.advance(31_000);
    const refreshed = await server.gql<{ refreshToken: AuthPayloadData }>(REFRESH, { refreshToken: user.refreshToken });
    const fresh = refreshed.data?.refreshToken.accessToken ?? '';
    expect(kidOf(fresh)).toBe(next?.kid);
    expect((await verifyWithJose(fresh, remote)).payload.sub).toBe(user.user.id);
    expect((await verifyWithJose(user.accessToken, remote)).payload.sub).toBe(user.user.id);
    admin = await server.loginAdmin();
  });

  it('drops a revoked key from the JWKS, so jose refuses its tokens too', async () => {
    const { createRemoteJWKSet } = await import('jose');
    const user = await server.register();
    const kid = kidOf(user.accessToken);
    await server.gql(REVOKE_SIGNING_KEY, { kid, reason: 'compromised' }, { token: admin.accessToken });
    const { keys } = await jwks(server);
    expect(keys.map((key) => key.kid)).not.toContain(kid);
    expect(keys.length).toBeGreaterThan(0);
    const remote = createRemoteJWKSet(new URL(`${server.baseUrl}/.well-known/jwks.json`));
    await expect(verifyWithJose(user.accessToken, remote)).rejects.toThrow();
    expect(errorCode(await server.gql(ME, {}, { token: user.accessToken }))).toBe('TOKEN_REVOKED');
  });

  it('never serves private material', async () => {
    const { keys } = await jwks(server);
    for (const key of keys) expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });
});

it('switching JWT_ALGORITHM from HS256 to ES256 signs with a new ES256 key at once and keeps HS256 tokens valid', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'token-warden-alg-switch-'));
  const testDatabase = await createTestDatabase({ pgliteDir: join(dataDir, 'pglite') });
  try {
    const hs = await startTestServer({ testDatabase, dataDir });
    const user = await hs.register();
    await hs.stop({ drop: false });
    const es = await startTestServer({ testDatabase, dataDir, env: { JWT_ALGORITHM: 'ES256', STATUS_LIST: 'off' } });
    try {
      expect((await es.gql(ME, {}, { token: user.accessToken })).errors).toBeUndefined();
      const again = await es.login(user.user.email, user.password);
      expect(decodeJwtPart(again.accessToken, 0)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
      expect((await es.gql(ME, {}, { token: again.accessToken })).errors).toBeUndefined();
    } finally {
      await es.stop({ drop: false });
    }
  } finally {
    await testDatabase.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
