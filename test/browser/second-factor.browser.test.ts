import type { BrowserContext, Page } from 'playwright-core';
import { Authenticator } from '../support/mfa';
import { uniqueEmail, USER_PASSWORD, type TestServer } from '../support/test-server';
import { startBrowserStack } from './support/browser-stack';
import { UI_TIMEOUT_MS, waitForText as waitForTextOn } from './support/page-text';
import { StepTimings } from './support/step-timings';
import type { WebApp } from './support/web-app';

/** A TOTP code is accepted once per 30-second step: the test moves the server's clock instead of waiting. */
const TOTP_STEP_MS = 30_000;
/** The shortest window the service allows, so that a minute on the clock makes a sign-in too old for step-up. */
const STEP_UP_MAX_AGE_SECONDS = 30;
/** How long a sign-in waits for its second factor (the mfaToken's lifetime). */
const MFA_TOKEN_LIFETIME_MS = 5 * 60_000;
const RECOVERY_CODE = /^[a-z2-7]{5}-[a-z2-7]{5}$/i;

describe('two-step sign-in in the example web app, in a real browser', () => {
  const timings = new StepTimings();
  let server: TestServer;
  let app: WebApp;
  let context: BrowserContext;
  let page: Page;
  let email: string;
  /** The person's authenticator app, set up from the key the page shows. */
  let authenticator: Authenticator;
  let recoveryCodes: string[] = [];
  const pageErrors: string[] = [];
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    const stack = await startBrowserStack(timings, () => ({
      STEP_UP_MAX_AGE_SECONDS: String(STEP_UP_MAX_AGE_SECONDS),
    }));
    closers.push(() => stack.close());
    ({ server, app } = stack);
    context = await stack.browser.newContext();
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    email = (await server.register(uniqueEmail('two-step'))).user.email;
  }, 120_000);

  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    console.log(`second-factor browser test steps:\n${timings.summary()}`);
  });

  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  const waitForText = (testId: string, expected: string) => waitForTextOn(page, testId, expected);
  const visible = (testId: string) => page.getByTestId(testId).isVisible();
  const nextTotpStep = () => server.clock.advance(TOTP_STEP_MS);

  const signInWithPassword = async () => {
    await page.getByTestId('email').fill(email);
    await page.getByTestId('password').fill(USER_PASSWORD);
    await page.getByTestId('sign-in').click();
  };

  const signOut = async () => {
    await page.getByTestId('sign-out').click();
    await waitForText('status', 'Signed out');
  };

  it('turns on two-step sign-in: a QR code, the key to type, then ten recovery codes shown once', async () => {
    await timings.measure('open the app and sign in with the password', async () => {
      await page.goto(app.origin);
      await waitForText('status', 'Signed out');
      await signInWithPassword();
      await waitForText('user-email', email);
    });
    await waitForText('totp-status', 'Two-step sign-in is off.');

    await timings.measure('turn on: QR code and key (startTotpEnrollment)', async () => {
      await page.getByTestId('turn-on-totp').click();
      await page.getByTestId('totp-enrollment').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    });
    expect(await page.getByTestId('totp-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const drawn = await page
      .getByTestId('totp-qr')
      .evaluate((image) => image instanceof HTMLImageElement && image.complete && image.naturalWidth > 0);
    expect(drawn).toBe(true);
    const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    authenticator = new Authenticator(secret);

    await timings.measure('confirm with a code from the app (confirmTotpEnrollment)', async () => {
      await page.getByTestId('totp-confirm-code').fill(authenticator.codeAt(server));
      await page.getByTestId('confirm-totp').click();
      await page.getByTestId('recovery-codes-panel').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    });
    await expect(page.getByTestId('recovery-codes-panel').textContent()).resolves.toContain(
      'Save these recovery codes now',
    );
    recoveryCodes = await page.getByTestId('recovery-code').allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    for (const code of recoveryCodes) expect(code).toMatch(RECOVERY_CODE);
    await waitForText('totp-status', 'Two-step sign-in is on: 10 recovery codes left.');
    await expect(visible('totp-enrollment')).resolves.toBe(false);

    await page.getByTestId('recovery-codes-done').click();
    await expect(visible('recovery-codes-panel')).resolves.toBe(false);
    expect(await page.getByTestId('recovery-code').count()).toBe(0);
  });

  it('signs in with the password, then a code from the app; a wrong code is answered plainly', async () => {
    await signOut();
    nextTotpStep();
    await timings.measure('sign in with the password: the code step (MFA_REQUIRED)', async () => {
      await signInWithPassword();
      await page.getByTestId('second-factor-form').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    });
    // The account has no passkey: MFA_REQUIRED lists TOTP and RECOVERY_CODE only.
    await expect(visible('second-factor-passkey')).resolves.toBe(false);

    const code = authenticator.codeAt(server);
    const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
    await timings.measure('a wrong code (INVALID_CODE)', async () => {
      await page.getByTestId('second-factor-code').fill(wrong);
      await page.getByTestId('complete-sign-in').click();
      await waitForText('notice', 'That code is not right; try the current one.');
    });
    await expect(visible('second-factor-form')).resolves.toBe(true);

    await timings.measure('the current code (completeLogin)', async () => {
      await page.getByTestId('second-factor-code').fill(code);
      await page.getByTestId('complete-sign-in').click();
      await waitForText('user-email', email);
    });
    await waitForText('totp-status', 'Two-step sign-in is on: 10 recovery codes left.');
  });

  it('sends a code step left for over five minutes back to the password (INVALID_MFA_TOKEN)', async () => {
    await signOut();
    await signInWithPassword();
    await page.getByTestId('second-factor-form').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    server.clock.advance(MFA_TOKEN_LIFETIME_MS + 1_000);
    await timings.measure('a code for a sign-in step that expired', async () => {
      await page.getByTestId('second-factor-code').fill(authenticator.codeAt(server));
      await page.getByTestId('complete-sign-in').click();
      await waitForText('notice', 'Sign in again.');
    });
    await waitForText('status', 'Signed out');
    await expect(visible('sign-in-form')).resolves.toBe(true);
    await expect(visible('second-factor-form')).resolves.toBe(false);
  });

  it('signs in with a recovery code instead, which is then spent', async () => {
    await timings.measure('sign in with the password and a recovery code', async () => {
      await signInWithPassword();
      await page.getByTestId('second-factor-form').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      await page.getByTestId('second-factor-code').fill(recoveryCodes[0] ?? '');
      await page.getByTestId('complete-sign-in').click();
      await waitForText('user-email', email);
    });
    await waitForText('totp-status', 'Two-step sign-in is on: 9 recovery codes left.');
  });

  it('turns two-step sign-in off after confirming with a code, as step-up asks of an older sign-in', async () => {
    // The sign-in is now older than STEP_UP_MAX_AGE_SECONDS: disableTotp answers STEP_UP_REQUIRED.
    server.clock.advance(2 * STEP_UP_MAX_AGE_SECONDS * 1000);
    await timings.measure('turn off: the page asks to confirm it is you (STEP_UP_REQUIRED)', async () => {
      await page.getByTestId('turn-off-totp-code').fill(recoveryCodes[1] ?? '');
      await page.getByTestId('turn-off-totp').click();
      await page.getByTestId('step-up-form').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    });
    await expect(page.getByTestId('step-up-prompt').textContent()).resolves.toContain(
      'a code from your authenticator app or a recovery code',
    );

    await timings.measure('a code from the app (reauthenticate), then disableTotp again', async () => {
      await page.getByTestId('step-up-answer').fill(authenticator.codeAt(server));
      await page.getByTestId('step-up-confirm').click();
      await waitForText('totp-status', 'Two-step sign-in is off.');
    });
    await expect(visible('step-up-form')).resolves.toBe(false);
    // reauthenticate refuses the token it was called with; the page, holding the new one, stays signed in.
    await expect(page.getByTestId('status').textContent()).resolves.toBe('Signed in');
    await expect(visible('turn-on-totp')).resolves.toBe(true);
  });

  it('signs in with the password alone again', async () => {
    await signOut();
    await timings.measure('sign in with the password only', async () => {
      await signInWithPassword();
      await waitForText('user-email', email);
    });
    await expect(visible('second-factor-form')).resolves.toBe(false);
    await waitForText('totp-status', 'Two-step sign-in is off.');
  });
});
