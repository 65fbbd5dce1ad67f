// Assertions the browser test files share: no page problems, no axe violations, and waiting
// for a condition in the page with a message that says what was awaited.

import assert from 'node:assert/strict';

import { formatViolations, runAxe } from './axe.mjs';
import { formatProblems } from './browser.mjs';

/** Fail with every console error, failed request and request that left the site. */
export function expectNoProblems(problems) {
  const text = formatProblems(problems);
  if (text) assert.fail(text);
}

/** Fail with axe-core's violations on the page as it is now. */
export async function expectNoAxeViolations(page, where) {
  const text = formatViolations(await runAxe(page), where);
  if (text) assert.fail(text);
}

/** Resolve when `fn` (evaluated in the page with `arg`) is truthy; fail with `what` after 10 s. */
export async function waitInPage(page, fn, arg, what) {
  try {
    await page.waitForFunction(fn, arg, { timeout: 10_000, polling: 25 });
  } catch (err) {
    assert.fail(`timed out waiting for ${what}: ${err.message.split('\n')[0]}`);
  }
}
