import { eq } from 'drizzle-orm';
import { networkOf } from '../src/accounts/known-device';
import { knownDevices } from '../src/db/schema';
import { queuedSubjects } from './support/mail-outbox';
import { CHANGE_PASSWORD, LOGIN, REFRESH, REGISTER, type AuthPayloadData } from './support/operations';
import { useTestServer } from './support/shared-server';
import { useSmtpSink } from './support/smtp-sink';
import { uniqueEmail, USER_PASSWORD, type TestServer } from './support/test-server';

const APP_URL = 'https://app.example.test';
const SUBJECT = 'New sign-in to your account';
const LAPTOP = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148';
const DAY_MS = 86_400_000;

const smtp = useSmtpSink();

/** A server mailing the shared SMTP server, with the client address taken from the proxy header. */
const serverWith = (env: Record<string, string> = {}): TestServer =>
  useTestServer(() => ({ env: { SMTP_URL: smtp().url, APP_URL, TRUST_PROXY: 'loopback', ...env } }));

interface Device {
  userAgent: string;
  address: string;
}

const sentFrom = (device: Device) => ({
  headers: { 'user-agent': device.userAgent, 'x-forwarded-for': device.address },
});

async function signInFrom(
  server: TestServer,
  mutation: 'register' | 'login',
  email: string,
  device: Device,
): Promise<AuthPayloadData> {
  const operation = mutation === 'register' ? REGISTER : LOGIN;
  const response = await server.gql<Record<string, AuthPayloadData>>(
    operation,
    { email, password: USER_PASSWORD },
    sentFrom(device),
  );
  const payload = response.data?.[mutation];
  if (!payload) throw new Error(`${mutation} failed: ${response.text}`);
  return payload;
}

const registerFrom = (server: TestServer, device: Device) =>
  signInFrom(server, 'register', uniqueEmail('signin'), device);
const loginFrom = (server: TestServer, email: string, device: Device) => signInFrom(server, 'login', email, device);

const notices = (server: TestServer, email: string) => queuedSubjects(server, email, 'new_sign_in');

describe('NOTIFY_NEW_SIGN_IN off (the default)', () => {
  const server = serverWith();

  it('mails nothing for a sign-in from a new device, but remembers the device', async () => {
    const user = await registerFrom(server, { userAgent: LAPTOP, address: '198.51.100.7' });
    await loginFrom(server, user.user.email, { userAgent: PHONE, address: '203.0.113.9' });

    expect(await notices(server, user.user.email)).toEqual([]);
    // Recorded anyway: turning the notice on later announces only devices that are really new.
    const rows = await server.database.db.select().from(knownDevices).where(eq(knownDevices.userId, user.user.id));
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toMatch(/Mozilla|198\.51|203\.0/);
  });

  it('changePassword mails "Your password was changed"', async () => {
    const user = await registerFrom(server, { userAgent: LAPTOP, address: '198.51.100.8' });
    const changed = await server.gql(
      CHANGE_PASSWORD,
      { currentPassword: USER_PASSWORD, newPassword: 'another passphrase for the notice' },
      { token: user.accessToken },
    );
    expect(changed.errors).toBeUndefined();

    const [notice] = await smtp().mailTo(user.user.email, 1, undefined, 'Your password was changed');
    expect(notice?.text).toMatch(
      /changed from a signed-in device, and every other device signed in to it was signed out/,
    );
    expect(notice?.text).toMatch(/If it was not you/);
    expect(notice?.html).toContain('<p>If it was not you');
    expect(await queuedSubjects(server, user.user.email, 'password_changed')).toEqual(['Your password was changed']);
  });
});

describe('NOTIFY_NEW_SIGN_IN=true', () => {
  const server = serverWith({ NOTIFY_NEW_SIGN_IN: 'true' });

  it('mails a sign-in from a new device once, with the device, the address, the time and where to end sessions', async () => {
    const user = await registerFrom(server, { userAgent: LAPTOP, address: '198.51.100.7' });
    const email = user.user.email;
    const phone = { userAgent: `${PHONE} <beta> & co`, address: '203.0.113.9' };

    const at = new Date(server.clock.freeze());
    try {
      await loginFrom(server, email, phone);
    } finally {
      server.clock.thaw();
    }
    const [mail] = await smtp().mailTo(email, 1, undefined, SUBJECT);
    const time = `${at.toISOString().slice(0, 10)} ${at.toISOString().slice(11, 19)} UTC`;
    expect(mail?.text).toContain(`Device: ${phone.userAgent}`);
    expect(mail?.text).toContain('Address: 203.0.113.9');
    expect(mail?.text).toContain(`Time: ${time}`);
    expect(mail?.text).toContain(APP_URL);
    expect(mail?.html).toContain(`Device: ${PHONE} &lt;beta&gt; &amp; co`);
    expect(mail?.html).toContain('Address: 203.0.113.9');
    expect(mail?.html).toContain(`Time: ${time}`);
    expect(mail?.html).toContain(`href="${APP_URL}"`);
    expect(mail?.token).toBeUndefined();

    // The same device again, and the same device at another address of its network: nothing new.
    await loginFrom(server, email, phone);
    await loginFrom(server, email, { ...phone, address: '203.0.113.200' });
    expect(await notices(server, email)).toEqual([SUBJECT]);

    // The same browser on another network is a new device.
    await loginFrom(server, email, { ...phone, address: '192.0.2.1' });
    expect(await notices(server, email)).toEqual([SUBJECT, SUBJECT]);
  });

  it('knows the device that registered: its first login mails nothing', async () => {
    const laptop = { userAgent: LAPTOP, address: '2001:db8:aa:1::5' };
    const user = await registerFrom(server, laptop);
    await loginFrom(server, user.user.email, laptop);
    await loginFrom(server, user.user.email, { ...laptop, address: '2001:db8:aa:ffff::9' });
    expect(await notices(server, user.user.email)).toEqual([]);
    expect(await queuedSubjects(server, user.user.email)).toEqual(['Verify your email address']);
  });

  it('a token refresh or a password change is no sign-in: nothing is mailed', async () => {
    const user = await registerFrom(server, { userAgent: LAPTOP, address: '198.51.100.9' });
    const elsewhere = sentFrom({ userAgent: PHONE, address: '192.0.2.77' });
    const refreshed = await server.gql<{ refreshToken: AuthPayloadData }>(
      REFRESH,
      { refreshToken: user.refreshToken },
      elsewhere,
    );
    expect(refreshed.errors).toBeUndefined();
    const changed = await server.gql(
      CHANGE_PASSWORD,
      { currentPassword: USER_PASSWORD, newPassword: 'another passphrase for the notice' },
      { ...elsewhere, token: refreshed.data?.refreshToken.accessToken ?? '' },
    );
    expect(changed.errors).toBeUndefined();
    expect(await notices(server, user.user.email)).toEqual([]);
  });
});

describe('a device not seen for 90 days', () => {
  const server = serverWith({ NOTIFY_NEW_SIGN_IN: 'true' });

  it('is new again, and the cleanup forgets it', async () => {
    const laptop = { userAgent: LAPTOP, address: '198.51.100.7' };
    const user = await registerFrom(server, laptop);
    const email = user.user.email;
    server.clock.advance(89 * DAY_MS);
    await loginFrom(server, email, laptop);
    expect(await notices(server, email)).toEqual([]);

    // Last seen 91 days ago, its row not purged yet: new all the same.
    server.clock.advance(91 * DAY_MS);
    await loginFrom(server, email, laptop);
    expect(await notices(server, email)).toEqual([SUBJECT]);
    await smtp().mailTo(email, 1, undefined, SUBJECT);

    // A phone seen once, 91 days ago: the cleanup deletes it, the laptop seen just now stays.
    await loginFrom(server, email, { userAgent: PHONE, address: '203.0.113.9' });
    server.clock.advance(91 * DAY_MS);
    await loginFrom(server, email, laptop);
    const rows = () => server.database.db.select().from(knownDevices).where(eq(knownDevices.userId, user.user.id));
    expect(await rows()).toHaveLength(2);
    expect(await server.server.services.newSignIn.purgeStale()).toBeGreaterThanOrEqual(1);
    expect(await rows()).toHaveLength(1);
  });
});

describe('what counts as one network', () => {
  it.each([
    ['198.51.100.7', '198.51.100.0/24'],
    ['::ffff:198.51.100.7', '198.51.100.0/24'],
    ['2001:db8:aa:1::5', '2001:db8:aa::/48'],
    ['2001:0db8:00aa:ffff:1:2:3:4', '2001:db8:aa::/48'],
    ['::1', '0:0:0::/48'],
    ['fe80::1%eth0', 'fe80:0:0::/48'],
    ['unknown', 'unknown'],
  ])('%s is in %s', (address, network) => {
    expect(networkOf(address)).toBe(network);
  });
});
