import type { Page } from 'playwright-core';

/** What a page's script got from a credentialed JSON fetch: the answer's text, or the error thrown. */
export type FetchOutcome = { read: string } | { refused: string };

/** A credentialed JSON POST of `query` to `url` from `page`'s script, as an attacker's page would try. */
export function fetchFromPage(page: Page, url: string, query: string): Promise<FetchOutcome> {
  return page.evaluate(
    async ({ url, query }) => {
      try {
        const response = await fetch(url, {
          method: 'POST',
          credentials: 'include',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query }),
        });
        return { read: await response.text() };
      } catch (error) {
        return { refused: error instanceof TypeError ? 'TypeError' : String(error) };
      }
    },
    { url, query },
  );
}

/**
 * Submits a form from `page` that posts `query` to `url`, and returns the answer the browser got.
 * text/plain is the only form encoding that can carry JSON: name `{"query":"…","x":"` and value `"}`.
 */
export async function postFormFromPage(
  page: Page,
  url: string,
  query: string,
): Promise<{ status: number; body: string }> {
  const answered = page.waitForResponse((response) => response.url() === url);
  await page.evaluate(
    ({ url, query }) => {
      const form = document.createElement('form');
      form.method = 'POST';
      form.enctype = 'text/plain';
      form.action = url;
      const input = document.createElement('input');
      input.name = `{"query":${JSON.stringify(query)},"x":"`;
      input.value = '"}';
      form.append(input);
      document.body.append(form);
      form.submit();
    },
    { url, query },
  );
  const response = await answered;
  return { status: response.status(), body: await response.text() };
}
