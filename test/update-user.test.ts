import { errorCode } from './support/graphql-client';
import { LOGIN, ME, REFRESH, UPDATE_USER, type UserData } from './support/operations';
import { useServerWithAdmin, useTestServer } from './support/shared-server';

const shared = useServerWithAdmin();

const update = (variables: Record<string, unknown>, token = shared.admin.accessToken) =>
  shared.server.gql<{ updateUser: UserData }>(UPDATE_USER, variables, { token });

it('promotes a user, revoking the tokens that still carry the old role', async () => {
  const user = await shared.server.register();
  const response = await update({ id: user.user.id, role: 'ADMIN' });
  expect(response.data?.updateUser).toMatchObject({ id: user.user.id, role: 'ADMIN', disabled: false });

  const old = await shared.server.gql(ME, {}, { token: user.accessToken });
  expect(errorCode(old)).toBe('TOKEN_REVOKED');
  expect(old.errors?.[0]?.extensions?.reason).toMatch(/role/);

  const fresh = await shared.server.login(user.user.email, user.password);
  expect(fresh.user.role).toBe('ADMIN');
});

it('disables a user: tokens refused, refresh and login refused', async () => {
  const user = await shared.server.register();
  await update({ id: user.user.id, disabled: true });
  expect(errorCode(await shared.server.gql(ME, {}, { token: user.accessToken }))).toBe('TOKEN_REVOKED');
  expect(errorCode(await shared.server.gql(REFRESH, { refreshToken: user.refreshToken }))).toBe('TOKEN_REVOKED');
  const login = await shared.server.gql(LOGIN, { email: user.user.email, password: user.password });
  expect(login.status).toBe(403);
  expect(errorCode(login)).toBe('FORBIDDEN');

  await update({ id: user.user.id, disabled: false });
  expect((await shared.server.login(user.user.email, user.password)).user.disabled).toBe(false);
});

describe('with a single administrator', () => {
  const lonely = useTestServer();

  it('never leaves the service without an enabled administrator', async () => {
    const onlyAdmin = await lonely.loginAdmin();
    for (const change of [{ role: 'USER' }, { disabled: true }]) {
      const response = await lonely.gql(
        UPDATE_USER,
        { id: onlyAdmin.user.id, ...change },
        { token: onlyAdmin.accessToken },
      );
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
    }
    expect((await lonely.gql(ME, {}, { token: onlyAdmin.accessToken })).errors).toBeUndefined();
  });
});

it('refuses bad input clearly', async () => {
  const user = await shared.server.register();
  const nothing = await update({ id: user.user.id });
  expect(nothing.status).toBe(400);
  expect(errorCode(nothing)).toBe('BAD_USER_INPUT');
  const badRole = await update({ id: user.user.id, role: 'ROOT' });
  expect(badRole.status).toBe(400);
  expect(errorCode(badRole)).toBe('BAD_USER_INPUT');
  const malformed = await update({ id: 'nope', disabled: true });
  expect(errorCode(malformed)).toBe('BAD_USER_INPUT');
  const unknown = await update({ id: '00000000-0000-4000-8000-000000000000', disabled: true });
  expect(unknown.status).toBe(404);
  expect(errorCode(unknown)).toBe('NOT_FOUND');
});

it('is for administrators only', async () => {
  const user = await shared.server.register();
  const response = await update({ id: user.user.id, role: 'ADMIN' }, user.accessToken);
  expect(response.status).toBe(403);
  expect(errorCode(response)).toBe('FORBIDDEN');
});
