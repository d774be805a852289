import { errorCode } from './support/graphql-client';
import { expectRefused, newAddress, signIn, THROTTLE_ENV } from './support/login-throttle';
import { sample, scrape } from './support/prometheus';
import { TestClock } from './support/test-clock';
import { useTestServer } from './support/shared-server';
import { startTestServer, uniqueEmail, USER_PASSWORD } from './support/test-server';

const clock = new TestClock();
const server = useTestServer({ env: THROTTLE_ENV, clock });
beforeEach(() => clock.freeze());
afterEach(() => clock.thaw());

describe('failed logins for one email', () => {
  it('are slowed after the free ones, then refused until the window ends', async () => {
    const { user } = await server.register();
    const address = newAddress();
    for (let i = 0; i < 3; i += 1) {
      expect(errorCode(await signIn(server, user.email, 'wrong-password-123', address))).toBe('UNAUTHENTICATED');
    }
    // The fourth must wait 1 s, then 2 s, then 4 s: even the right password is not checked before.
    expectRefused(await signIn(server, user.email, USER_PASSWORD, address), 1);
    for (const wait of [1, 2, 4]) {
      clock.advance(wait * 1000);
      expect(errorCode(await signIn(server, user.email, 'wrong-password-123', address))).toBe('UNAUTHENTICATED');
    }
    // Six failures: refused until the window that began with the first one ends.
    clock.advance(60_000);
    expectRefused(await signIn(server, user.email, USER_PASSWORD, address), 600 - 7 - 60);
    clock.advance((600 - 7 - 60) * 1000);
    expect((await signIn(server, user.email, USER_PASSWORD, address)).errors).toBeUndefined();
    expect(sample((await scrape(server)).text, 'token_warden_login_throttled_total', { scope: 'email' })).toBe(2);
  });

  it('start again from zero after a successful login', async () => {
    const { user } = await server.register();
    const address = newAddress();
    for (let i = 0; i < 2; i += 1) await signIn(server, user.email, 'wrong-password-123', address);
    expect((await signIn(server, user.email, USER_PASSWORD, address)).errors).toBeUndefined();
    for (let i = 0; i < 3; i += 1) {
      expect(errorCode(await signIn(server, user.email, 'wrong-password-123', newAddress()))).toBe('UNAUTHENTICATED');
    }
    expectRefused(await signIn(server, user.email, 'wrong-password-123', newAddress()), 1);
  });

  it('are throttled the same for an email that has no account', async () => {
    const email = uniqueEmail('nobody');
    const address = newAddress();
    for (let i = 0; i < 3; i += 1)
      expect(errorCode(await signIn(server, email, 'wrong-password-123', address))).toBe('UNAUTHENTICATED');
    expectRefused(await signIn(server, email, 'wrong-password-123', address), 1);
  });

  it('cannot be raced: of a burst of parallel guesses only the free ones are checked', async () => {
    const { user } = await server.register();
    const burst = await Promise.all(
      Array.from({ length: 10 }, () => signIn(server, user.email, 'wrong-password-123', newAddress())),
    );
    const codes = burst.map(errorCode);
    expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(3);
    expect(codes.filter((code) => code === 'TOO_MANY_REQUESTS')).toHaveLength(7);
  });
});

describe('failed logins from one client address', () => {
  it('are throttled across emails, while other addresses go on', async () => {
    const address = newAddress();
    for (let i = 0; i < 4; i += 1) {
      expect(errorCode(await signIn(server, uniqueEmail('spray'), 'wrong-password-123', address))).toBe(
        'UNAUTHENTICATED',
      );
    }
    expectRefused(await signIn(server, uniqueEmail('spray'), 'wrong-password-123', address), 1);

    const { user } = await server.register();
    expect((await signIn(server, user.email, USER_PASSWORD, newAddress())).errors).toBeUndefined();
  });

  it('ignore X-Forwarded-For unless TRUST_PROXY trusts the proxy', async () => {
    const direct = await startTestServer({ env: { ...THROTTLE_ENV, TRUST_PROXY: '' }, clock });
    try {
      // Four different claimed addresses, one real one: the fifth attempt is refused.
      for (let i = 0; i < 4; i += 1) {
        expect(errorCode(await signIn(direct, uniqueEmail('spoof'), 'wrong-password-123', newAddress()))).toBe(
          'UNAUTHENTICATED',
        );
      }
      expectRefused(await signIn(direct, uniqueEmail('spoof'), 'wrong-password-123', newAddress()), 1);
    } finally {
      await direct.stop();
    }
  });
});
