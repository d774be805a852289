import type { Browser, BrowserContext, Cookie, Page, Request, Response, Route, WebSocket } from 'playwright-core';
import { REVOKE_USER_TOKENS } from '../support/operations';
import { waitFor } from '../support/wait';
import { uniqueEmail, USER_PASSWORD, type TestServer } from '../support/test-server';
import { startBrowserStack } from './support/browser-stack';
import { fetchFromPage, postFormFromPage } from './support/cross-origin-requests';
import { UI_TIMEOUT_MS, waitForText as waitForTextOn } from './support/page-text';
import { StepTimings } from './support/step-timings';
import { serveUnlistedPage, type UnlistedPage } from './support/unlisted-page';
import type { WebApp } from './support/web-app';

const COOKIE_NAME = '__Host-token-warden-refresh';
const ACCESS_TOKEN_TTL_SECONDS = 60;
const REFRESH_FROM_COOKIE = 'mutation { refreshToken { accessToken } }';
/** How long a click is given to send its call; the page is expected to hold it back instead. */
const CALL_MADE_MEANWHILE_MS = 300;

describe('the example web app in a real browser', () => {
  const timings = new StepTimings();
  let server: TestServer;
  let app: WebApp;
  let unlisted: UnlistedPage;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let user: { id: string; email: string };
  const pageErrors: string[] = [];
  /** The page's newest WebSocket: the one that watches its session. */
  let liveSocket: WebSocket | undefined;

  /** What beforeAll started, closed in reverse order even when a later start failed. */
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    const stack = await startBrowserStack(timings, () => ({
      ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL_SECONDS),
      // Two tabs refreshing at once present one cookie; the slower one is told `superseded`.
      REFRESH_REUSE_GRACE_SECONDS: '10',
    }));
    closers.push(() => stack.close());
    ({ server, app, browser } = stack);
    unlisted = await serveUnlistedPage();
    closers.push(() => unlisted.close());
    context = await browser.newContext();
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('websocket', (socket) => {
      liveSocket = socket;
    });
    const registered = await server.register(uniqueEmail('browser'));
    user = registered.user;
  }, 120_000);

  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    console.log(`browser test steps:\n${timings.summary()}`);
  });

  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  const refreshCookie = async (): Promise<Cookie | undefined> =>
    (await context.cookies(server.baseUrl)).find((cookie) => cookie.name === COOKIE_NAME);

  const refreshCookieValue = async (): Promise<string> => {
    const cookie = await refreshCookie();
    if (!cookie) throw new Error('the browser holds no refresh cookie');
    return cookie.value;
  };

  const text = async (testId: string) => (await page.getByTestId(testId).textContent()) ?? '';

  const waitForText = (testId: string, expected: string) => waitForTextOn(page, testId, expected);

  /** Page scripts see no trace of the refresh token, whatever step the session is in. */
  const expectRefreshTokenHidden = async () => {
    const visible = await page.evaluate(() => document.cookie);
    expect(visible).not.toContain(COOKIE_NAME);
    const cookie = await refreshCookie();
    if (cookie) expect(visible).not.toContain(cookie.value);
  };

  it('signs in through the form; the refresh token arrives in an HttpOnly cookie', async () => {
    await timings.measure('open the app (no session yet)', async () => {
      await page.goto(app.origin);
      await waitForText('status', 'Signed out');
    });
    expect(await refreshCookie()).toBeUndefined();

    await timings.measure('sign in and show me', async () => {
      await page.getByTestId('email').fill(user.email);
      await page.getByTestId('password').fill(USER_PASSWORD);
      await page.getByTestId('sign-in').click();
      await waitForText('user-email', user.email);
    });
    expect(await text('user-role')).toBe('USER');
    expect(await refreshCookie()).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    await expectRefreshTokenHidden();
  });

  it('keeps the session across a reload through the cookie, which rotates', async () => {
    const before = await refreshCookieValue();
    await timings.measure('reload: refresh from the cookie, then me', async () => {
      await page.reload();
      await waitForText('user-email', user.email);
    });
    expect(await refreshCookieValue()).not.toBe(before);
    await expectRefreshTokenHidden();
  });

  it('refreshes silently when a call answers TOKEN_EXPIRED; a call made meanwhile waits for the new token', async () => {
    interface ProfileCall {
      status: number;
      authorization: string | undefined;
    }
    const profileCalls: Promise<ProfileCall>[] = [];
    let profileRequests = 0;
    const refreshStatuses: number[] = [];
    const isProfile = (request: Request) => request.postData()?.includes('query Profile') === true;
    const countRequest = (request: Request) => {
      if (isProfile(request)) profileRequests += 1;
    };
    const record = (response: Response) => {
      const request = response.request();
      if (request.postData()?.includes('mutation RefreshSession')) refreshStatuses.push(response.status());
      if (!isProfile(request)) return;
      profileCalls.push(
        request.allHeaders().then((headers) => ({ status: response.status(), authorization: headers.authorization })),
      );
    };
    page.on('request', countRequest);
    page.on('response', record);
    // The refresh is held until a second call has had its chance to go out while it is in flight.
    const heldRefresh: Route[] = [];
    await page.route(server.url, (route) => {
      const isRefresh = route.request().postData()?.includes('mutation RefreshSession') === true;
      if (isRefresh && heldRefresh.length === 0) heldRefresh.push(route);
      else return route.continue();
      return undefined;
    });
    const before = await refreshCookieValue();
    const socket = liveSocket;
    if (!socket || socket.isClosed()) throw new Error('the page watches its session over no open WebSocket');
    const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));

    let calls: ProfileCall[] = [];
    try {
      await timings.measure('expired access token: refresh, a click meanwhile, then both calls', async () => {
        server.clock.advance((ACCESS_TOKEN_TTL_SECONDS + 1) * 1000);
        // Within a second the service closes the socket of the expired token; the page reloads the
        // profile, is told TOKEN_EXPIRED and starts a refresh.
        await socketClosed;
        await waitFor(() => heldRefresh.length === 1, UI_TIMEOUT_MS, 'the refresh after TOKEN_EXPIRED', 5);
        await page.getByTestId('refresh-profile').click();
        // A call sent now would carry no token: the page must wait for the refresh instead.
        await waitFor(() => profileRequests >= 2, CALL_MADE_MEANWHILE_MS, 'the click sends at once').catch(
          () => undefined,
        );
        await heldRefresh[0]?.continue();
        await waitFor(
          async () => {
            calls = await Promise.all(profileCalls);
            return calls.length === profileRequests && calls.some((call) => call.status === 200);
          },
          UI_TIMEOUT_MS,
          'me, refused, then answered with the next token',
          10,
        );
      });
    } finally {
      await page.unroute(server.url);
      page.off('request', countRequest);
      page.off('response', record);
    }
    console.log(`expired token: me answered ${calls.map((call) => call.status).join(', ')}`);
    // The first call was refused with the expired token and sent again with the next one. The click
    // waited for that token instead of going out with none (the client may merge the two identical
    // calls into one request), and the cookie was spent once.
    const [refused, ...retried] = calls;
    expect(refused?.status).toBe(401);
    expect(retried.length).toBeGreaterThanOrEqual(1);
    expect(refused?.authorization).toMatch(/^Bearer /);
    for (const call of retried) {
      expect(call.status).toBe(200);
      expect(call.authorization).toMatch(/^Bearer /);
      expect(call.authorization).not.toBe(refused?.authorization);
    }
    expect(refreshStatuses).toEqual([200]);
    expect(await text('user-email')).toBe(user.email);
    expect(await refreshCookieValue()).not.toBe(before);
    await expectRefreshTokenHidden();
  });

  it('keeps the session when two tabs refresh at the same moment', async () => {
    const second = await context.newPage();
    await second.goto(app.origin);
    await second.getByTestId('user-email').filter({ hasText: user.email }).waitFor({ timeout: UI_TIMEOUT_MS });
    const refreshStatuses: number[] = [];
    const recordRefresh = (response: Response) => {
      if (response.request().postData()?.includes('mutation RefreshSession')) refreshStatuses.push(response.status());
    };
    context.on('response', recordRefresh);

    // Hold each tab's refresh until both are on their way, so both present the same cookie.
    const held: Route[] = [];
    await context.route(server.url, async (route) => {
      const isRefresh = route.request().postData()?.includes('mutation RefreshSession') === true;
      if (!isRefresh || held.length === 2) return route.continue();
      held.push(route);
      if (held.length === 2) await Promise.all(held.map((each) => each.continue()));
    });
    try {
      await timings.measure('two tabs refresh one cookie at once', async () => {
        await Promise.all([page.reload(), second.reload()]);
        await Promise.all(
          [page, second].map((tab) =>
            tab.getByTestId('user-email').filter({ hasText: user.email }).waitFor({ timeout: UI_TIMEOUT_MS }),
          ),
        );
      });
    } finally {
      await context.unroute(server.url);
      context.off('response', recordRefresh);
      await second.close();
    }
    // One tab's cookie was spent by the other: it was answered `superseded`, and its retry succeeded.
    console.log(`two tabs at once: refresh answers ${refreshStatuses.join(', ')}`);
    expect([...refreshStatuses].sort()).toEqual([200, 200, 401]);
    await expectRefreshTokenHidden();
  });

  describe('pages on origins that CORS_ORIGINS does not list', () => {
    const unlistedOrigins = () => [`http://127.0.0.1:${unlisted.port}`, `http://localhost:${unlisted.port}`];

    it('can read no answer, and do not spend the cookie', async () => {
      const before = await refreshCookieValue();
      const other = await context.newPage();
      for (const origin of unlistedOrigins()) {
        const outcome = await timings.measure(`fetch from unlisted ${origin}`, async () => {
          await other.goto(origin);
          return fetchFromPage(other, server.url, REFRESH_FROM_COOKIE);
        });
        expect(outcome).toEqual({ refused: 'TypeError' });
      }
      await other.close();
      expect(await refreshCookieValue()).toBe(before);
    });

    it('cannot rotate the cookie with a form post, and the app still refreshes with it', async () => {
      const before = await refreshCookieValue();
      const other = await context.newPage();
      for (const origin of unlistedOrigins()) {
        const answer = await timings.measure(`form post from unlisted ${origin}`, async () => {
          await other.goto(origin);
          return postFormFromPage(other, server.url, REFRESH_FROM_COOKIE);
        });
        console.log(`form post from ${origin}: HTTP ${answer.status} ${answer.body.slice(0, 160)}`);
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.body).not.toContain('accessToken":"');
        expect(await refreshCookieValue()).toBe(before);
      }
      await other.close();

      await timings.measure('reload the app after the form posts', async () => {
        await page.reload();
        await waitForText('user-email', user.email);
      });
      expect(await refreshCookieValue()).not.toBe(before);
      await expectRefreshTokenHidden();
    });
  });

  it("shows the reason the moment an administrator revokes the user's tokens, with no click", async () => {
    const reason = 'laptop reported stolen';
    const admin = await server.loginAdmin();
    await timings.measure('revoked: the page shows the reason live (sessionEvents over WebSocket)', async () => {
      const revoked = await server.gql(REVOKE_USER_TOKENS, { userId: user.id, reason }, { token: admin.accessToken });
      expect(revoked.errors).toBeUndefined();
      await waitForText('notice', `You were signed out: ${reason}`);
    });
    expect(await page.getByTestId('sign-in-form').isVisible()).toBe(true);
    expect(await page.getByTestId('user').isVisible()).toBe(false);
    await expectRefreshTokenHidden();

    await timings.measure('reload after revocation: the refresh clears the cookie', async () => {
      await page.reload();
      await waitForText('notice', 'You were signed out');
    });
    expect(await refreshCookie()).toBeUndefined();
  });

  it('creates an account, then signs out, which clears the cookie', async () => {
    const email = uniqueEmail('browser-new');
    await timings.measure('create an account and show me', async () => {
      await page.getByTestId('email').fill(email);
      await page.getByTestId('password').fill(USER_PASSWORD);
      await page.getByTestId('create-account').click();
      await waitForText('user-email', email);
    });
    expect(await refreshCookie()).toBeDefined();
    await expectRefreshTokenHidden();

    await timings.measure('sign out', async () => {
      await page.getByTestId('sign-out').click();
      await waitForText('status', 'Signed out');
    });
    expect(await refreshCookie()).toBeUndefined();

    await timings.measure('reload after sign-out: stays signed out', async () => {
      await page.reload();
      await waitForText('status', 'Signed out');
    });
    expect(await page.getByTestId('notice').isVisible()).toBe(false);
    await expectRefreshTokenHidden();
  });
});
