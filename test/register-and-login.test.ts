import { eq } from 'drizzle-orm';
import { users } from '../src/db/schema';
import { errorCode } from './support/graphql-client';
import { LOGIN, ME, REGISTER, type AuthPayloadData, type UserData } from './support/operations';
import { useTestServer } from './support/shared-server';
import { uniqueEmail, USER_PASSWORD } from './support/test-server';

const server = useTestServer();

describe('register', () => {
  it('creates a USER and signs it in with a working access token', async () => {
    const email = uniqueEmail();
    const response = await server.gql<{ register: AuthPayloadData }>(REGISTER, { email, password: USER_PASSWORD });
    expect(response.status).toBe(200);
    const payload = response.data?.register;
    expect(payload?.user).toMatchObject({ email, role: 'USER', disabled: false });
    expect(payload?.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Date(payload?.accessTokenExpiresAt ?? 0).getTime()).toBeGreaterThan(Date.now());

    const me = await server.gql<{ me: UserData }>(ME, {}, { token: payload?.accessToken });
    expect(me.data?.me).toEqual(payload?.user);
  });

  it('treats emails case-insensitively and refuses a duplicate', async () => {
    const email = uniqueEmail();
    await server.register(email);
    const again = await server.gql(REGISTER, { email: email.toUpperCase(), password: USER_PASSWORD });
    expect(again.status).toBe(400);
    expect(errorCode(again)).toBe('BAD_USER_INPUT');
    expect(again.errors?.[0]?.message).toMatch(/already exists/i);
  });

  it('refuses a password shorter than 12 characters', async () => {
    const response = await server.gql(REGISTER, { email: uniqueEmail(), password: 'short-pw' });
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toMatch(/12/);
  });

  it('refuses an invalid email address', async () => {
    const response = await server.gql(REGISTER, { email: 'not-an-email', password: USER_PASSWORD });
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
  });

  it('refuses oversized input', async () => {
    const response = await server.gql(REGISTER, { email: uniqueEmail(), password: 'p'.repeat(2000) });
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
  });
});

describe('login', () => {
  it('signs in with the right password, with a new session each time', async () => {
    const registered = await server.register();
    const first = await server.login(registered.user.email, registered.password);
    const second = await server.login(registered.user.email, registered.password);
    expect(first.user.id).toBe(registered.user.id);
    expect(first.refreshToken).not.toBe(second.refreshToken);
    const me = await server.gql<{ me: UserData }>(ME, {}, { token: second.accessToken });
    expect(me.data?.me.id).toBe(registered.user.id);
  });

  it('answers a wrong password and an unknown email identically', async () => {
    const registered = await server.register();
    const wrongPassword = await server.gql(LOGIN, { email: registered.user.email, password: 'wrong password here' });
    const unknownEmail = await server.gql(LOGIN, { email: uniqueEmail('nobody'), password: 'wrong password here' });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(errorCode(wrongPassword)).toBe('UNAUTHENTICATED');
    expect(unknownEmail.errors).toEqual(wrongPassword.errors);
  });
});

describe('me', () => {
  it('needs a token', async () => {
    const response = await server.gql(ME);
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
  });
});

describe('passwords on a server not told otherwise', () => {
  const normal = useTestServer({ scryptCost: 'server default' });

  it('are stored as scrypt at N=16384, r=8, p=1 with a 16-byte salt and a 64-byte key, and sign in', async () => {
    const registered = await normal.register();
    const [row] = await normal.database.db
      .select({ passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.id, registered.user.id));
    const [scheme, n, r, p, salt, key, ...rest] = (row?.passwordHash ?? '').split('$');
    expect([scheme, n, r, p, rest]).toEqual(['scrypt', '16384', '8', '1', []]);
    expect(Buffer.from(salt ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(key ?? '', 'base64')).toHaveLength(64);
    expect((await normal.login(registered.user.email, registered.password)).user.id).toBe(registered.user.id);
  });
});
