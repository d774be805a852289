import type { BrowserContext, Page } from 'playwright-core';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { uniqueEmail, USER_PASSWORD } from '../support/test-server';
import { startBrowserStack, type BrowserStack } from './support/browser-stack';
import { waitForText } from './support/page-text';
import { StepTimings } from './support/step-timings';

const NEW_PASSWORD = 'a passphrase chosen after a reset';
const VERIFY_SUBJECT = 'Verify your email address';
const RESET_SUBJECT = 'Reset your password';
const LINK_SENT = 'If an account has this address, a link is on its way.';

describe('account recovery in the example web app, in a real browser', () => {
  const timings = new StepTimings();
  let smtp: SmtpSink | undefined;
  let stack: BrowserStack | undefined;
  let origin: string;
  /** Two browsers of one user, signed in each on its own: A forgets the password, B stays open. */
  let contextA: BrowserContext;
  let contextB: BrowserContext;
  let tabA: Page;
  let tabB: Page;
  const email = uniqueEmail('recovery');
  const pageErrors: string[] = [];

  const newContext = async () => {
    if (!stack) throw new Error('the browser is only there while the tests run');
    const context = await stack.browser.newContext();
    context.on('weberror', (error) => pageErrors.push(error.error().message));
    return context;
  };

  const mailedLink = async (subject: string, to = email, count = 1) => {
    if (!smtp) throw new Error('the SMTP server is only there while the tests run');
    return smtp.linkTo(to, subject, count);
  };

  /** Fills the sign-in form and presses one of its buttons. */
  const submitSignInForm = async (
    tab: Page,
    button: 'sign-in' | 'create-account',
    password: string,
    address = email,
  ) => {
    await tab.getByTestId('email').fill(address);
    await tab.getByTestId('password').fill(password);
    await tab.getByTestId(button).click();
  };

  /** A mailed link opens in a tab of its own, as mail clients do. */
  const openInNewTab = async (link: string, testId: string, expected: string) => {
    const tab = await contextA.newPage();
    await tab.goto(link);
    await waitForText(tab, testId, expected);
    return tab;
  };

  /** Where the page's own script says it is, once the page has loaded. */
  const locationOf = (tab: Page) => tab.evaluate(() => location.href);

  beforeAll(async () => {
    smtp = await startSmtpSink();
    const sinkUrl = smtp.url;
    stack = await startBrowserStack(timings, (appOrigin) => ({ SMTP_URL: sinkUrl, APP_URL: appOrigin }));
    origin = stack.app.origin;
    contextA = await newContext();
    contextB = await newContext();
    tabA = await contextA.newPage();
    tabB = await contextB.newPage();
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await smtp?.close();
    console.log(`account recovery browser steps:\n${timings.summary()}`);
  });

  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  it('creates an account in tab A and signs in to it in tab B; both ask to verify the address', async () => {
    await timings.measure('tab A: create an account and show me', async () => {
      await tabA.goto(origin);
      await waitForText(tabA, 'status', 'Signed out');
      await submitSignInForm(tabA, 'create-account', USER_PASSWORD);
      await waitForText(tabA, 'user-email', email);
    });
    await timings.measure('tab B (another browser): sign in and show me', async () => {
      await tabB.goto(origin);
      await waitForText(tabB, 'status', 'Signed out');
      await submitSignInForm(tabB, 'sign-in', USER_PASSWORD);
      await waitForText(tabB, 'user-email', email);
    });
    for (const tab of [tabA, tabB]) expect(await tab.getByTestId('verify-email-notice').isVisible()).toBe(true);
  });

  it('the link of the register mail verifies the address, out of the address bar; the notice goes', async () => {
    const link = await timings.measure('the register mail arrives', () => mailedLink(VERIFY_SUBJECT));
    expect(link).toMatch(new RegExp(`^${origin}/verify-email#token=[A-Za-z0-9_-]{43}$`));

    const linkTab = await timings.measure('open the verification link in a new tab', () =>
      openInNewTab(link, 'notice', 'Your email address is verified.'),
    );
    expect(await locationOf(linkTab)).toBe(`${origin}/verify-email`);
    await linkTab.close();

    const again = await timings.measure('open it again: spent', () =>
      openInNewTab(link, 'notice', 'This link is invalid or has expired.'),
    );
    await again.close();

    await timings.measure('tab A: refresh the profile, the notice is gone', async () => {
      await tabA.getByTestId('refresh-profile').click();
      await tabA.getByTestId('verify-email-notice').waitFor({ state: 'hidden' });
    });
  });

  it('"Forgot password?" gives the same answer for any address', async () => {
    await timings.measure('tab A: sign out', async () => {
      await tabA.getByTestId('sign-out').click();
      await waitForText(tabA, 'status', 'Signed out');
    });
    for (const address of [uniqueEmail('nobody'), email]) {
      await timings.measure(
        `forgot password, ask for a link (${address === email ? 'known' : 'unknown'} address)`,
        async () => {
          await tabA.goto(origin);
          await tabA.getByTestId('forgot-password').click();
          await tabA.getByTestId('forgot-email').fill(address);
          await tabA.getByTestId('send-reset-link').click();
          await waitForText(tabA, 'notice', LINK_SENT);
        },
      );
    }
  });

  it('a link that does not work says so, and offers to ask for a new one', async () => {
    await timings.measure('open a reset link with a bogus token, submit', async () => {
      await tabA.goto(`${origin}/reset-password#token=not-a-token-the-service-made`);
      await waitForText(tabA, 'status', 'Choose a new password');
      expect(await locationOf(tabA)).toBe(`${origin}/reset-password`);
      await tabA.getByTestId('new-password').fill(NEW_PASSWORD);
      await tabA.getByTestId('new-password-again').fill(NEW_PASSWORD);
      await tabA.getByTestId('set-password').click();
      await waitForText(tabA, 'notice', 'This link is invalid or has expired. Ask for a new one');
    });
    expect(await tabA.getByTestId('forgot-password-form').isVisible()).toBe(true);
  });

  it('the mailed reset link sets a new password; tab B is signed out at once, saying why', async () => {
    const link = await timings.measure('the reset mail arrives', () => mailedLink(RESET_SUBJECT));
    expect(link).toMatch(new RegExp(`^${origin}/reset-password#token=[A-Za-z0-9_-]{43}$`));

    const linkTab = await timings.measure('tab A: open the reset link in a new tab', () =>
      openInNewTab(link, 'status', 'Choose a new password'),
    );
    await tabA.close();
    tabA = linkTab;
    expect(await locationOf(tabA)).toBe(`${origin}/reset-password`);

    await tabA.getByTestId('new-password').fill(NEW_PASSWORD);
    await tabA.getByTestId('new-password-again').fill(`${NEW_PASSWORD}!`);
    await tabA.getByTestId('set-password').click();
    await waitForText(tabA, 'notice', 'The two passwords differ');

    await timings.measure('set the new password; tab B shows "password reset" live', async () => {
      await tabA.getByTestId('new-password-again').fill(NEW_PASSWORD);
      await tabA.getByTestId('set-password').click();
      await waitForText(tabA, 'notice', 'Your password was changed');
      await waitForText(tabB, 'notice', 'You were signed out: password reset');
    });
    expect(await tabB.getByTestId('notice').textContent()).toBe('You were signed out: password reset');
    expect(await tabB.getByTestId('sign-in-form').isVisible()).toBe(true);
  });

  it('signs in with the new password, and no longer with the old one', async () => {
    await timings.measure('tab A: "Sign in", the old password is refused', async () => {
      await tabA.getByTestId('go-to-sign-in').click();
      await waitForText(tabA, 'status', 'Signed out');
      await submitSignInForm(tabA, 'sign-in', USER_PASSWORD);
      await waitForText(tabA, 'notice', 'Invalid email or password.');
    });
    expect(await tabA.getByTestId('user').isVisible()).toBe(false);

    await timings.measure('tab A: sign in with the new password', async () => {
      await submitSignInForm(tabA, 'sign-in', NEW_PASSWORD);
      await waitForText(tabA, 'user-email', email);
    });
    expect(await tabA.getByTestId('verify-email-notice').isVisible()).toBe(false);
  });

  it('an unverified user asks for a new verification link, and is told it is on its way', async () => {
    const other = uniqueEmail('unverified');
    const context = await newContext();
    const tab = await context.newPage();
    await timings.measure('another user: create an account, ask for a new link', async () => {
      await tab.goto(origin);
      await waitForText(tab, 'status', 'Signed out');
      await submitSignInForm(tab, 'create-account', USER_PASSWORD, other);
      await tab.getByTestId('resend-verification').click();
      await waitForText(tab, 'verification-answer', `A new link is on its way to ${other}`);
    });
    const link = await timings.measure('the second link arrives', () => mailedLink(VERIFY_SUBJECT, other, 2));
    await timings.measure('open it: verified', async () => {
      await tab.goto(link);
      await waitForText(tab, 'notice', 'Your email address is verified.');
    });
    await context.close();
  });
});
