import type { Page } from 'playwright-core';

/** How long the page may take to show what a step expects. */
export const UI_TIMEOUT_MS = 10_000;

/** Resolves once the element marked `testId` shows `expected`; throws after UI_TIMEOUT_MS. */
export const waitForText = (page: Page, testId: string, expected: string): Promise<void> =>
  page.getByTestId(testId).filter({ hasText: expected }).waitFor({ timeout: UI_TIMEOUT_MS });
