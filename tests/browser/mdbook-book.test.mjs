// An mdBook book as mdBook shows it, in Chromium (the book audit of 2026-12-05, six real
// books): the repository link, mdBook's warning box and theme classes for the book's own
// stylesheet, Markdown in a part title, and a section's old address sent on by its page.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { DESKTOP, PHONE, openPage } from './lib/browser.mjs';
import { expectNoAxeViolations, expectNoProblems, waitInPage } from './lib/expect.mjs';
import { servedCourse } from './lib/served.mjs';

const PREFIX = '/cargo/';

const FILES = {
  'book.toml': `
    [book]
    title = "A moved book"

    [output.html]
    site-url = "${PREFIX}"
    git-repository-url = "https://github.com/org/book"
    additional-css = ["theme/book.css"]

    [output.html.redirect]
    "/reference/manifest.html#the-patch-section" = "overriding.html#the-patch-section"
  `,
  'src/SUMMARY.md': `
    # Summary

    [Introduction](intro.md)

    # Building \`rustc\`

    - [Manifest](reference/manifest.md)
    - [Overriding](reference/overriding.md)
  `,
  'src/intro.md': `
    # Introduction

    <div class="warning">

    This book is incomplete.

    </div>

    Text.
  `,
  'src/reference/manifest.md': `
    # Manifest

    The patch section moved.
  `,
  'src/reference/overriding.md': `
    # Overriding

    ${Array.from({ length: 40 }, (_, i) => `Paragraph ${i} before the section.`).join('\n\n    ')}

    ## The patch section

    Here.
  `,
  // As the Rustonomicon's stylesheet draws its box: keyed on mdBook's theme class.
  'theme/book.css': `
    .light main .warning p, .navy main .warning p { text-decoration: underline; }
  `,
};

describe('an mdBook book', () => {
  let site;

  before(async () => {
    site = await servedCourse(FILES, PREFIX);
  });

  after(async () => {
    await site?.close();
  });

  test('links its repository, draws the warning box, keys the book\'s stylesheet on mdBook\'s theme class, and reads a part title\'s Markdown', async (t) => {
    const context = await site.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page, problems } = await openPage(context, `${site.server.url}intro.html`);
    const repo = page.locator('.site-links a[rel=external]');
    assert.equal(await repo.getAttribute('href'), 'https://github.com/org/book');
    assert.equal((await repo.textContent()).trim(), 'Repository');
    const box = await page.locator('main div.warning').evaluate((e) => {
      const s = getComputedStyle(e);
      return { border: parseFloat(s.borderInlineStartWidth), background: s.backgroundColor };
    });
    assert.ok(box.border >= 3, `the warning's border: ${box.border}px`);
    assert.notEqual(box.background, 'rgba(0, 0, 0, 0)', 'the warning has a background');
    const underlined = () => page.locator('main .warning p').evaluate((p) => getComputedStyle(p).textDecorationLine);
    assert.ok(await page.evaluate(() => document.documentElement.classList.contains('light')));
    assert.equal(await underlined(), 'underline', 'the book\'s rule for .light applies');
    await page.locator('.theme-toggle').click();
    assert.ok(await page.evaluate(() => document.documentElement.classList.contains('navy') && !document.documentElement.classList.contains('light')));
    assert.equal(await underlined(), 'underline', 'the book\'s rule for .navy applies');
    const part = (await page.locator('.toc .toc-part').first().textContent()).trim();
    assert.equal(part, 'Building rustc');
    await expectNoAxeViolations(page, 'an mdBook book\'s page in dark');
    expectNoProblems(problems);
  });

  test('a section\'s old address lands where the section went', async (t) => {
    const context = await site.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page, problems } = await openPage(context, `${site.server.url}reference/manifest.html#the-patch-section`);
    await waitInPage(page, () => location.pathname.endsWith('/reference/overriding.html'), null, 'the redirect');
    assert.equal(new URL(page.url()).hash, '#the-patch-section');
    await waitInPage(page, () => document.getElementById('the-patch-section').getBoundingClientRect().top < 200, null, 'the section in view');
    // Any other fragment stays on the page.
    await page.goto(`${site.server.url}reference/manifest.html#elsewhere`);
    await page.waitForTimeout(200);
    assert.ok(page.url().endsWith('/reference/manifest.html#elsewhere'), page.url());
    // A page left by the redirect (or by the test's own navigation) stops what it was still
    // fetching (the strings it preloads): aborted, not failed.
    problems.failedRequests = problems.failedRequests.filter((r) => !r.endsWith('net::ERR_ABORTED'));
    expectNoProblems(problems);
  });

  test('fits a phone with the repository link', async (t) => {
    const context = await site.browser.newContext({ viewport: PHONE });
    t.after(() => context.close());
    const { page, problems } = await openPage(context, `${site.server.url}intro.html`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${overflow}px of sideways scrolling`);
    expectNoProblems(problems);
  });
});
