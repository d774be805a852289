import { randomBytes } from 'node:crypto';
import { request } from './client';
import { LOGOUT, ME, REGISTER } from './operations';

/** What the walk-through saw, step by step. */
export interface DemoReport {
  email: string;
  meBeforeLogout: string;
  revokedJti: string;
  afterLogout: { status: number; code: string | undefined; reason: unknown };
}

/** Registers, calls `me`, logs out, and shows how the revoked token is answered. */
export async function runDemo(url: string, print: (line: string) => void = console.log): Promise<DemoReport> {
  const email = `demo-${randomBytes(4).toString('hex')}@example.com`;
  const password = randomBytes(12).toString('base64url');

  const registered = await request(url, REGISTER, { email, password });
  if (!registered.data) throw new Error(`register failed: ${JSON.stringify(registered.errors)}`);
  const { accessToken, user } = registered.data.register;
  print(`registered ${user.email} (${user.role})`);

  const me = await request(url, ME, {}, accessToken);
  if (!me.data) throw new Error(`me failed: ${JSON.stringify(me.errors)}`);
  print(`me: ${me.data.me.email}`);

  const logout = await request(url, LOGOUT, {}, accessToken);
  if (!logout.data) throw new Error(`logout failed: ${JSON.stringify(logout.errors)}`);
  print(`logged out; token ${logout.data.logout.jti} revoked (${logout.data.logout.reason ?? 'no reason'})`);

  const after = await request(url, ME, {}, accessToken);
  const error = after.errors?.[0];
  print(
    `me with the old token: HTTP ${after.status} ${error?.extensions?.code ?? 'no error'}: ${error?.message ?? ''}`,
  );
  return {
    email: user.email,
    meBeforeLogout: me.data.me.email,
    revokedJti: logout.data.logout.jti,
    afterLogout: { status: after.status, code: error?.extensions?.code, reason: error?.extensions?.reason },
  };
}

if (require.main === module) {
  const url = process.argv[2] ?? 'http://127.0.0.1:4000/graphql';
  runDemo(url).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(reason === 'fetch failed' ? `cannot reach ${url}: is the service running (npm start)?` : reason);
    process.exit(1);
  });
}
