// The checks every built site must pass, as one node:test suite per site.
//
// A suite builds its course into a temp dir, serves it under its prefix, crawls it, and then checks:
// valid HTML (vnu), no broken links/anchors/assets, every page reachable, a sitemap of real pages,
// a 404 page that works at any depth, every page loading with no errors and no request leaving the
// site, zero axe violations (light; and at phone width without JavaScript) and no contrast
// violations (dark), the ToC marking the current page, prev/next links walking the ToC in order,
// no sideways scrolling on a phone, and a ToC that a phone user without JavaScript can open and
// follow.
//
// Markup it relies on (the builder's contract with the tests):
//   the ToC:            nav.toc or nav[aria-label="Table of contents"]
//   the current page:   its ToC link has aria-current="page"
//   previous / next:    a[rel~=prev] / a[rel~=next]
//   main content:       main (exactly one)
//   phone, no JS:       details.toc-toggle > summary opens the ToC (or the ToC is visible anyway)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { CONTRAST_ONLY, formatViolations, runAxe, runAxeWithoutJs } from './axe.mjs';
import { DESKTOP, PHONE, formatProblems, launchBrowser, openPage } from './browser.mjs';
import { buildOrThrow, removeDir, tempDir } from './coursebook.mjs';
import { crawl, formatBroken } from './crawl.mjs';
import { serve } from './server.mjs';
import { formatVnu, validateHtml } from './vnu.mjs';

export const TOC = 'nav.toc, nav[aria-label="Table of contents"]';
export const TOC_TOGGLE = 'details.toc-toggle > summary';

let browserPromise;
/** One Chromium per test file, closed when the file's tests end. */
export function sharedBrowser() {
  browserPromise ??= launchBrowser();
  return browserPromise;
}
after(async () => {
  if (browserPromise) await (await browserPromise).close();
});

/** Throw `text` as the failure message unless it is empty. */
export function expectNone(text) {
  if (text) assert.fail(text);
}

const withoutHash = (u) => u.replace(/#.*$/, '');
const canonical = (u) => withoutHash(u).replace(/\/index\.html$/, '/');

/**
 * Declare the suite for one site. `prepare()` resolves to { courseDir, cleanup? }.
 * `prefix` is the path the site is served under (its site-url).
 */
export function siteSuite(name, { prepare, prefix = '/' }) {
  describe(name, () => {
    const s = {};

    before(
      async () => {
        const { courseDir, cleanup } = await prepare();
        s.cleanupCourse = cleanup;
        s.dest = await tempDir('coursebook-site-');
        s.buildResult = await buildOrThrow(courseDir, { dest: s.dest });
        s.server = await serve(s.dest, { prefix });
        s.crawl = await crawl(s.server.url, { dir: s.dest });
        s.browser = await sharedBrowser();
        // Every page's ToC links, in order, without JavaScript. A ToC may show only the current
        // chapter's lessons, so the course's reading order is the union of them all.
        const ctx = await s.browser.newContext({ javaScriptEnabled: false, viewport: DESKTOP });
        const page = await ctx.newPage();
        s.tocOf = new Map();
        for (const url of s.crawl.pages) {
          await page.goto(url);
          const hrefs = await page.locator(TOC).first().locator('a[href]').evaluateAll((as) => as.map((a) => a.href));
          s.tocOf.set(canonical(url), [...new Set(hrefs.map(canonical))].filter((u) => u.startsWith(s.server.url)));
        }
        s.toc = [...new Set([...s.tocOf.values()].flat())];
        await ctx.close();
      },
      { timeout: 240_000 },
    );

    after(async () => {
      await s.server?.close();
      if (s.dest) await removeDir(s.dest);
      await s.cleanupCourse?.();
    });

    test('the HTML of every page is valid (Nu HTML Checker)', { timeout: 240_000 }, async () => {
      expectNone(formatVnu(await validateHtml(s.dest), name));
    });

    test('no broken links, anchors or assets; nothing loaded from elsewhere', { timeout: 60_000 }, () => {
      assert.ok(s.crawl.pages.length > 0, 'the crawl found no page');
      const resourcesElsewhere = s.crawl.external.filter((e) => !e.navigation);
      expectNone(
        [
          formatBroken(s.crawl.broken),
          resourcesElsewhere.length
            ? `resources loaded from outside the site:\n${resourcesElsewhere.map((e) => `  on ${e.from}: <${e.tag} ${e.attr}=${e.url}>`).join('\n')}`
            : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });

    test('sitemap.xml, if there is one, lists absolute URLs of pages that exist', { timeout: 60_000 }, async () => {
      const res = await fetch(new URL('sitemap.xml', s.server.url));
      if (res.status === 404) return;
      assert.equal(res.status, 200);
      const locs = [...(await res.text()).matchAll(/<loc>\s*([^<]*?)\s*<\/loc>/g)].map((m) => m[1].replace(/&amp;/g, '&'));
      assert.ok(locs.length > 0, 'sitemap.xml lists no <loc>');
      const problems = [];
      for (const loc of locs) {
        if (!/^https?:\/\//.test(loc)) {
          problems.push(`${loc}: not an absolute http(s) URL (the sitemap protocol requires fully qualified URLs)`);
          continue;
        }
        const local = new URL(new URL(loc).pathname, s.server.origin);
        const r = await fetch(local, { redirect: 'follow' });
        if (r.status !== 200) problems.push(`${loc}: HTTP ${r.status} for ${local.pathname} on the test server`);
      }
      expectNone(problems.join('\n'));
    });

    test('every built page is reachable by links from the home page', () => {
      expectNone(s.crawl.unreached.length ? `pages no link reaches: ${s.crawl.unreached.join(', ')}` : '');
    });

    test('the table of contents lists pages', () => {
      assert.ok(s.toc.length >= 2, `expected a ToC (${TOC}) with links; found ${JSON.stringify(s.toc)}`);
      const without = [...s.tocOf].filter(([, links]) => links.length === 0).map(([u]) => u);
      // The 404 page may do without one; every other page has the ToC.
      expectNone(without.length ? `pages without a ToC (${TOC}): ${without.join(', ')}` : '');
    });

    test('every page loads with no errors and no request leaving the site, and passes axe', { timeout: 300_000 }, async (t) => {
      const ctx = await s.browser.newContext({ viewport: DESKTOP });
      try {
        for (const url of s.crawl.pages) {
          await t.test(url.slice(s.server.origin.length), async () => {
            const { page, problems, response } = await openPage(ctx, url);
            try {
              assert.equal(response?.status(), 200, `${url} answered ${response?.status()}`);
              expectNone(formatProblems(problems));
              assert.equal(await page.locator('main').count(), 1, 'a page has exactly one <main>');
              expectNone(formatViolations(await runAxe(page), url));
            } finally {
              await page.close();
            }
          });
        }
      } finally {
        await ctx.close();
      }
    });

    test('dark color scheme: no contrast violations', { timeout: 300_000 }, async (t) => {
      const ctx = await s.browser.newContext({ viewport: DESKTOP, colorScheme: 'dark' });
      try {
        for (const url of s.crawl.pages) {
          await t.test(url.slice(s.server.origin.length), async () => {
            const { page } = await openPage(ctx, url);
            try {
              expectNone(formatViolations(await runAxe(page, CONTRAST_ONLY), `${url} (dark)`));
            } finally {
              await page.close();
            }
          });
        }
      } finally {
        await ctx.close();
      }
    });

    test('the 404 page works at any depth', { timeout: 60_000 }, async () => {
      const probe = s.crawl.notFound;
      assert.equal(probe.status, 404, `${probe.url} answered ${probe.status}`);
      assert.ok(probe.stylesheets >= 1, 'the 404 page links no stylesheet');
      const ctx = await s.browser.newContext({ viewport: DESKTOP });
      try {
        const { page, problems, response } = await openPage(ctx, probe.url, {
          allowStatus: (u, status) => status === 404 && u === probe.url,
        });
        assert.equal(response?.status(), 404);
        expectNone(formatProblems(problems));
        const sheets = await page.evaluate(() =>
          [...document.querySelectorAll('link[rel~="stylesheet"]')].map((l) => ({ href: l.href, rules: l.sheet ? l.sheet.cssRules.length : -1 })),
        );
        const unstyled = sheets.filter((x) => x.rules <= 0);
        expectNone(unstyled.length ? `stylesheets not applied on ${probe.url}: ${JSON.stringify(unstyled)}` : '');
        // Its way home leads into the site.
        const home = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.href));
        assert.ok(
          home.some((h) => canonical(h) === s.server.url),
          `the 404 page has no link to the site's home (${s.server.url}); links: ${home.join(', ')}`,
        );
      } finally {
        await ctx.close();
      }
    });

    test('the ToC marks the current page with aria-current="page"', { timeout: 120_000 }, async () => {
      const ctx = await s.browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
      const wrong = [];
      try {
        const page = await ctx.newPage();
        for (const url of s.toc) {
          await page.goto(url);
          const current = await page.locator(TOC).first().locator('a[aria-current="page"]').evaluateAll((as) => as.map((a) => a.href));
          if (current.length !== 1 || canonical(current[0]) !== canonical(url)) {
            wrong.push(`${url}: aria-current links ${JSON.stringify(current)}`);
          }
        }
      } finally {
        await ctx.close();
      }
      expectNone(wrong.join('\n'));
    });

    test('rel=next walks the ToC in order and rel=prev walks back', { timeout: 120_000 }, async () => {
      const ctx = await s.browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
      try {
        const page = await ctx.newPage();
        const chain = [];
        let url = s.server.url;
        for (let i = 0; url && i < s.crawl.pages.length + 2; i++) {
          await page.goto(url);
          chain.push(canonical(page.url()));
          const prev = await page.locator('a[rel~="prev"]').evaluateAll((as) => as.map((a) => a.href));
          if (chain.length > 1) {
            assert.ok(
              prev.map(canonical).includes(chain[chain.length - 2]),
              `${url}: rel=prev should lead back to ${chain[chain.length - 2]}, has ${JSON.stringify(prev)}`,
            );
          }
          const next = await page.locator('a[rel~="next"]').evaluateAll((as) => as.map((a) => a.href));
          assert.ok(new Set(next.map(canonical)).size <= 1, `${url}: rel=next links disagree: ${JSON.stringify(next)}`);
          url = next[0];
        }
        assert.ok(!url, `rel=next does not end: ${chain.join(' -> ')}`);
        // The chain reads every ToC page once, and agrees with the order of every page's ToC.
        const chainOrder = chain.filter((u) => u !== s.server.url);
        assert.equal(new Set(chainOrder).size, chainOrder.length, `rel=next visits a page twice: ${chain.join(' -> ')}`);
        assert.deepEqual(
          [...chainOrder].sort(),
          s.toc.filter((u) => u !== s.server.url).sort(),
          'rel=next from the home page should visit exactly the ToC pages',
        );
        for (const [page, links] of s.tocOf) {
          const positions = links.filter((u) => u !== s.server.url).map((u) => chainOrder.indexOf(u));
          assert.ok(
            positions.every((p, i) => i === 0 || p > positions[i - 1]),
            `the ToC on ${page} lists pages in another order than rel=next reads them:\n  ToC: ${links.join(', ')}\n  next: ${chainOrder.join(', ')}`,
          );
        }
        // And clicking next really navigates (JavaScript on).
        const js = await s.browser.newContext({ viewport: DESKTOP });
        try {
          const { page: p } = await openPage(js, s.server.url);
          await p.locator('a[rel~="next"]').first().click();
          await p.waitForURL((u) => canonical(u.href) === chain[1]);
        } finally {
          await js.close();
        }
      } finally {
        await ctx.close();
      }
    });

    test('phone width without JavaScript: no page scrolls sideways, and axe passes', { timeout: 300_000 }, async (t) => {
      const phone = { viewport: PHONE, isMobile: true, hasTouch: true };
      const ctx = await s.browser.newContext({ ...phone, javaScriptEnabled: false });
      try {
        const page = await ctx.newPage();
        for (const url of s.crawl.pages) {
          await t.test(url.slice(s.server.origin.length), async () => {
            await page.goto(url);
            const { scrollWidth, innerWidth } = await page.evaluate(() => ({
              scrollWidth: document.documentElement.scrollWidth,
              innerWidth: window.innerWidth,
            }));
            assert.ok(scrollWidth <= innerWidth, `${url}: the page is ${scrollWidth}px wide in a ${innerWidth}px viewport`);
            expectNone(formatViolations(await runAxeWithoutJs(s.browser, url, phone), `${url} (phone, no JavaScript)`));
          });
        }
      } finally {
        await ctx.close();
      }
    });

    // A glossary term's tip near the end of a line was moved back by `translate`, which a touch
    // browser (Chromium's mobile mode, 641-1000 px) did not take back from the page's width: the
    // page grew to the tip's first place and zoomed out.
    test('a touch tablet: focusing any glossary term never widens the page', { timeout: 120_000 }, async () => {
      for (const width of [768, 1000]) {
        const ctx = await s.browser.newContext({ viewport: { width, height: 900 }, isMobile: true, hasTouch: true });
        try {
          const page = await ctx.newPage();
          for (const url of s.crawl.pages) {
            await page.goto(url);
            const terms = await page.locator('.term > a').all();
            for (const term of terms.slice(0, 40)) {
              await term.focus();
              const { sw, cw } = await page.evaluate(() => ({ sw: document.scrollingElement.scrollWidth, cw: document.scrollingElement.clientWidth }));
              assert.ok(sw <= cw, `${url} at ${width} px: "${await term.textContent()}" made the page ${sw} px wide in ${cw}`);
            }
          }
        } finally {
          await ctx.close();
        }
      }
    });

    test('phone width without JavaScript: the ToC can be opened and followed', { timeout: 60_000 }, async () => {
      const ctx = await s.browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, javaScriptEnabled: false });
      try {
        // A lesson page, not the home page.
        const start = s.toc.find((u) => u !== s.server.url) ?? s.server.url;
        const page = await ctx.newPage();
        await page.goto(start);
        const toc = page.locator(TOC).first();
        assert.equal(await toc.count(), 1, `no ToC (${TOC}) on ${start}`);
        const target = toc.locator('a[href]:not([aria-current="page"])').first();
        if (!(await target.isVisible())) {
          const toggle = page.locator(TOC_TOGGLE).first();
          assert.equal(await toggle.count(), 1, `the ToC is hidden at phone width and there is no ${TOC_TOGGLE} to open it`);
          assert.ok(await toggle.isVisible(), `${TOC_TOGGLE} is not visible at phone width`);
          await toggle.click();
        }
        await target.scrollIntoViewIfNeeded();
        assert.ok(await target.isVisible(), 'after opening the ToC, its links are still not visible');
        const href = await target.evaluate((a) => a.href);
        await target.click();
        await page.waitForURL((u) => canonical(u.href) === canonical(href));
      } finally {
        await ctx.close();
      }
    });
  });
}
