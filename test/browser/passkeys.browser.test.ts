import { generateKeyPairSync } from 'node:crypto';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { freePort } from '../support/free-port';
import { startTestServer, uniqueEmail, USER_PASSWORD, type TestServer } from '../support/test-server';
import { launchChromium } from './support/chromium';
import { StepTimings } from './support/step-timings';
import { buildAndServeWebApp, type WebApp } from './support/web-app';

/** How long the page may take to show what a step expects. */
const UI_TIMEOUT_MS = 10_000;

/** What the DevTools protocol says of a credential a virtual authenticator holds; binary fields in base64. */
interface VirtualCredential {
  credentialId: string;
  rpId: string;
  userHandle: string;
  signCount: number;
}

/**
 * A platform authenticator with a PIN or biometric that always succeeds, as Chrome DevTools'
 * WebAuthn panel makes one: the page runs real ceremonies against it.
 */
async function addVirtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

describe('passkeys in the example web app, in a real browser', () => {
  const timings = new StepTimings();
  let server: TestServer;
  let app: WebApp;
  let appOrigin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let authenticator: { cdp: CDPSession; authenticatorId: string };
  let user: { id: string; email: string };
  const pageErrors: string[] = [];
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    const appPort = await freePort();
    // A relying party id must be a domain, not an IP address: the app is browsed as localhost.
    appOrigin = `http://localhost:${appPort}`;
    server = await timings.measure('start the API (PGlite, migrations)', () =>
      startTestServer({
        env: {
          CORS_ORIGINS: appOrigin,
          WEBAUTHN_RP_ID: 'localhost',
          WEBAUTHN_ORIGINS: appOrigin,
          LOG_LEVEL: 'warn',
        },
      }),
    );
    closers.push(() => server.stop());
    // The API by the same name, so that the refresh cookie is same-site for the page.
    const apiUrl = server.url.replace('127.0.0.1', 'localhost');
    app = await timings.measure('build examples/web and serve it (vite build + preview)', () =>
      buildAndServeWebApp(apiUrl, appPort),
    );
    closers.push(() => app.close());
    browser = await timings.measure('launch Chromium', launchChromium);
    closers.push(() => browser.close());
    context = await browser.newContext();
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    authenticator = await addVirtualAuthenticator(page);
    user = (await server.register(uniqueEmail('passkey'))).user;
  }, 120_000);

  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    console.log(`passkey browser test steps:\n${timings.summary()}`);
  });

  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  const waitForText = (target: Page, testId: string, expected: string) =>
    target.getByTestId(testId).filter({ hasText: expected }).waitFor({ timeout: UI_TIMEOUT_MS });

  /** The check the server's log names for the last refused ceremony; the page is only told INVALID_PASSKEY. */
  const lastRefusal = () =>
    server.logs
      .entries()
      .filter((entry) => entry.msg === 'passkey ceremony refused')
      .at(-1)?.why;

  const credentialsHeld = async (held: { cdp: CDPSession; authenticatorId: string }) =>
    (await held.cdp.send('WebAuthn.getCredentials', { authenticatorId: held.authenticatorId }))
      .credentials as VirtualCredential[];

  it('adds a passkey on the security page, signed in with the password', async () => {
    await timings.measure('open the app and sign in with the password', async () => {
      await page.goto(appOrigin);
      await waitForText(page, 'status', 'Signed out');
      await page.getByTestId('email').fill(user.email);
      await page.getByTestId('password').fill(USER_PASSWORD);
      await page.getByTestId('sign-in').click();
      await waitForText(page, 'user-email', user.email);
    });
    await expect(page.getByTestId('no-passkeys').isVisible()).resolves.toBe(true);

    await timings.measure('add a passkey (WebAuthn create)', async () => {
      await page.getByTestId('passkey-name').fill('Virtual key');
      await page.getByTestId('add-passkey').click();
      await waitForText(page, 'passkeys', 'Virtual key');
    });
    expect(await page.getByTestId('passkey').count()).toBe(1);
    await expect(page.getByTestId('no-passkeys').isVisible()).resolves.toBe(false);
    const [credential] = await credentialsHeld(authenticator);
    expect(credential).toMatchObject({ rpId: 'localhost', userHandle: Buffer.from(user.id).toString('base64') });
  });

  it('signs out, then signs in with the passkey and no password', async () => {
    await timings.measure('sign out', async () => {
      await page.getByTestId('sign-out').click();
      await waitForText(page, 'status', 'Signed out');
    });
    await timings.measure('sign in with the passkey (WebAuthn get, discoverable)', async () => {
      await page.getByTestId('email').fill('');
      await page.getByTestId('password').fill('');
      await page.getByTestId('passkey-sign-in').click();
      await waitForText(page, 'user-email', user.email);
    });
    await waitForText(page, 'passkeys', 'Virtual key');
    expect(await page.getByTestId('passkeys').textContent()).not.toContain('last used never');
    const [credential] = await credentialsHeld(authenticator);
    expect(credential?.signCount).toBeGreaterThan(0);
  });

  it("cannot sign in elsewhere with the first user's credential id under another key", async () => {
    const [stolen] = await credentialsHeld(authenticator);
    if (!stolen) throw new Error('the first authenticator holds no credential');
    const other: BrowserContext = await browser.newContext();
    try {
      const otherPage = await other.newPage();
      const otherAuthenticator = await addVirtualAuthenticator(otherPage);
      // Same id, same user handle, but a private key the server never saw.
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      await otherAuthenticator.cdp.send('WebAuthn.addCredential', {
        authenticatorId: otherAuthenticator.authenticatorId,
        credential: {
          credentialId: stolen.credentialId,
          isResidentCredential: true,
          rpId: 'localhost',
          userHandle: stolen.userHandle,
          privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
          signCount: stolen.signCount + 100,
        },
      });
      await timings.measure('another browser: a passkey sign-in refused', async () => {
        await otherPage.goto(appOrigin);
        await waitForText(otherPage, 'status', 'Signed out');
        await otherPage.getByTestId('passkey-sign-in').click();
        await waitForText(otherPage, 'notice', 'The passkey could not be verified');
      });
      expect(await otherPage.getByTestId('status').textContent()).toBe('Signed out');
      expect(lastRefusal()).toBe('assertion not verified');
    } finally {
      await other.close();
    }
  });

  it('removes the passkey, which then signs nobody in', async () => {
    await timings.measure('remove the passkey', async () => {
      await page.getByTestId('remove-passkey').click();
      await page.getByTestId('no-passkeys').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    });
    expect(await page.getByTestId('passkey').count()).toBe(0);
    await timings.measure('sign out, and a passkey sign-in refused', async () => {
      await page.getByTestId('sign-out').click();
      await waitForText(page, 'status', 'Signed out');
      await page.getByTestId('passkey-sign-in').click();
      await waitForText(page, 'notice', 'The passkey could not be verified');
    });
    expect(await page.getByTestId('status').textContent()).toBe('Signed out');
    expect(lastRefusal()).toBe('unknown credential');
  });

  it('asks for the password again before adding a passkey to a sign-in older than step-up accepts', async () => {
    await timings.measure('sign in with the password', async () => {
      await page.getByTestId('email').fill(user.email);
      await page.getByTestId('password').fill(USER_PASSWORD);
      await page.getByTestId('sign-in').click();
      await waitForText(page, 'user-email', user.email);
    });
    // Past STEP_UP_MAX_AGE_SECONDS (600 by default): startPasskeyRegistration answers STEP_UP_REQUIRED.
    server.clock.advance(601_000);
    await timings.measure('add a passkey: the page asks for the password (STEP_UP_REQUIRED)', async () => {
      await page.getByTestId('passkey-name').fill('Second key');
      await page.getByTestId('add-passkey').click();
      await waitForText(page, 'step-up-prompt', 'enter your password');
    });
    await timings.measure('a wrong password, asked again', async () => {
      await page.getByTestId('step-up-answer').fill('not the password');
      await page.getByTestId('step-up-confirm').click();
      await waitForText(page, 'step-up-problem', 'Invalid email or password.');
    });
    await timings.measure('the password (reauthenticate), then the ceremony (WebAuthn create)', async () => {
      await page.getByTestId('step-up-answer').fill(USER_PASSWORD);
      await page.getByTestId('step-up-confirm').click();
      await waitForText(page, 'passkeys', 'Second key');
    });
    await expect(page.getByTestId('step-up-form').isVisible()).resolves.toBe(false);
    expect(await page.getByTestId('status').textContent()).toBe('Signed in');
  });

  it('steps up with the passkey, on an account whose only second factor it is, before removing one', async () => {
    server.clock.advance(601_000);
    await timings.measure('remove a passkey: the page asks for the passkey (STEP_UP_REQUIRED)', async () => {
      await page.getByTestId('remove-passkey').click();
      await waitForText(page, 'step-up-prompt', 'with your passkey');
    });
    await expect(page.getByTestId('step-up-answer').isVisible()).resolves.toBe(false);
    await timings.measure('the passkey (WebAuthn get, a step-up), then removePasskey', async () => {
      await page.getByTestId('step-up-confirm').click();
      await page.getByTestId('no-passkeys').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    });
    await expect(page.getByTestId('step-up-form').isVisible()).resolves.toBe(false);
    expect(await page.getByTestId('status').textContent()).toBe('Signed in');
  });
});
