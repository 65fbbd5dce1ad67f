// Run axe-core in a page and return its violations in a compact, printable form.
//
// The test server's CSP (script-src 'self') blocks page.addScriptTag({content}), so the axe
// source is evaluated through the DevTools protocol (page.evaluate), which CSP does not govern.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let axeSource;

async function source() {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/** WCAG 2.2 A/AA plus axe's best practices (landmarks, one h1, heading order, …). */
export const DEFAULT_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'];

/**
 * Run axe on the page's document. `options` are axe.run options; by default the WCAG A/AA and
 * best-practice rules. Returns [{ id, impact, help, helpUrl, nodes: [{ target, summary, html }] }].
 */
export async function runAxe(page, options = { runOnly: { type: 'tag', values: DEFAULT_TAGS } }, { timeoutMs = 30_000 } = {}) {
  const hasAxe = await page.evaluate(() => typeof window.axe === 'object');
  if (!hasAxe) {
    // A plain script evaluated in the page's main world defines the global `axe`.
    await page.evaluate(`${await source()}\n;void 0`);
  }
  const run = page.evaluate(async (opts) => {
    const results = await window.axe.run(document, { resultTypes: ['violations'], ...opts });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.map(String).join(' '),
        summary: n.failureSummary ?? '',
        html: n.html.length > 200 ? `${n.html.slice(0, 200)}…` : n.html,
      })),
    }));
  }, options);
  run.catch(() => {}); // if the timeout wins, a later rejection is not an unhandled one
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`axe did not finish in ${timeoutMs} ms on ${page.url()} (in a context with JavaScript disabled, use runAxeWithoutJs)`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * axe on `url` as a browser without JavaScript shows it. axe itself needs script execution
 * (its timers do not run in a context with javaScriptEnabled: false), so this opens the page in a
 * JavaScript-enabled context where the page's own scripts are not loaded and its <noscript>
 * content is shown, then runs axe there.
 */
export async function runAxeWithoutJs(browser, url, contextOptions = {}, options = undefined) {
  const ctx = await browser.newContext({ ...contextOptions, javaScriptEnabled: true });
  try {
    const page = await ctx.newPage();
    await page.route('**/*', async (route) => {
      const req = route.request();
      if (req.resourceType() === 'script') return route.abort();
      if (req.isNavigationRequest()) {
        const res = await route.fetch();
        const body = (await res.text()).replace(/<\/?noscript\b[^>]*>/gi, '');
        return route.fulfill({ response: res, body });
      }
      return route.continue();
    });
    await page.goto(url);
    return await runAxe(page, options);
  } finally {
    await ctx.close();
  }
}

/** Only the color-contrast rule (for checking a color scheme). */
export const CONTRAST_ONLY = { runOnly: { type: 'rule', values: ['color-contrast', 'link-in-text-block'] } };

/** Pretty-print violations for an assertion message ('' when there are none). */
export function formatViolations(violations, where = '') {
  if (!violations.length) return '';
  const lines = [`${violations.length} axe violation(s)${where ? ` on ${where}` : ''}:`];
  for (const v of violations) {
    lines.push(`  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} node(s))`);
    for (const n of v.nodes.slice(0, 5)) {
      lines.push(`      at ${n.target}`);
      lines.push(`         ${n.html.replace(/\s+/g, ' ')}`);
      if (n.summary) lines.push(...n.summary.split('\n').map((s) => `         ${s}`));
    }
    if (v.nodes.length > 5) lines.push(`      … and ${v.nodes.length - 5} more`);
  }
  return lines.join('\n');
}
