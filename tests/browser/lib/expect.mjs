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

/**
 * Whether a wasm-bindgen module's `.wasm` is asked for while its JS glue is still loading (one
 * round trip, not two): requests matching `glue` (a RegExp) are held, `start()` makes the page
 * load the module, and the `.wasm` (`wasm`) must be asked for before the glue is let go.
 * Returns the page `start` gave, once the glue is let go.
 */
export async function expectWasmBesideGlue(context, glue, wasm, start) {
  let held = null;
  const asked = [];
  await context.route(glue, (route) => { held = route; });
  context.on('request', (r) => { if (wasm.test(r.url())) asked.push(r.url()); });
  const page = await start();
  const until = Date.now() + 5000;
  while ((!held || asked.length === 0) && Date.now() < until) await page.waitForTimeout(25);
  assert.ok(held, `the glue (${glue}) was not asked for`);
  assert.equal(asked.length, 1, `the .wasm (${wasm}) was not asked for while its glue was still loading`);
  await held.continue();
  return page;
}
