// Defects a learner met on the site (issue #14, point 6), each a regression test, in Chromium
// under a sub-path: the phone width with glossary tooltips, a quiz without JavaScript, the
// theme button (no layout shift, its state visible and announced), tooltips dismissed with
// Escape, highlight.css only where there is code, and a draft titled "Coming soon".

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { DESKTOP, layoutShift, openPage } from './lib/browser.mjs';
import { servedCourse } from './lib/served.mjs';
import { expectNoAxeViolations, expectNoProblems, waitInPage } from './lib/expect.mjs';

const PREFIX = '/learn/';
const PHONE_390 = { width: 390, height: 844 };
const setting = (viewport, js) => `${viewport.width}px${js ? '' : ' without JavaScript'}`;

// Terms near both edges of a phone's line, so a tooltip laid out while hidden would overflow.
const FILES = {
  'book.toml': `
    [book]
    title = "Learner fixture"

    [output.html]
    site-url = "${PREFIX}"
  `,
  'content/SUMMARY.md': `
    # Summary

    - [With code](with-code.md)
    - [Plain](plain.md)
    - [Averyveryverylongtitlewordthatcannotbreakanywhereatallonaphone](wide.md)
    - [Plain](plain-twin.md)
    - [Coming soon]()
  `,
  'content/with-code.md': `
    # With code

    A model is what we train. Every model has parameters, and a parameter is a number.
    The last word of this long line is model

    ## A section

    \`\`\`rust
    fn main() { println!("hi"); }
    \`\`\`

    \`\`\`quiz
    questions:
      - id: n
        type: numeric
        prompt: How many?
        answer: 3
      - id: t
        type: text
        prompt: Which word?
        answers: [model]
    \`\`\`

    \`\`\`calculator
    w: 200
    b: 50000
    size: 1000
    \`\`\`
  `,
  'content/plain.md': `
    # Plain

    No code here, only a model.
  `,
  // A title used twice (Rust by Example has three "Mutability"s): print.html's regions are
  // still named apart (axe's landmark-unique).
  'content/plain-twin.md': `
    # Plain

    Another page of the same title.
  `,
  // What is wider than a phone: a long word, URL and inline code, a heading and a pager title
  // that are one word, a wide table and formula (which scroll inside themselves), a playground
  // (its best line is a formula); and a narrow table, which does not scroll.
  'content/wide.md': `
    # Averyveryverylongtitlewordthatcannotbreakanywhereatallonaphone

    Text with \`let some_really_long_identifier_name_that_goes_on = another_really_long_function_name(argument_one);\`
    and https://example.org/a/very/long/path/that/does/not/break/easily/because/it/has/no/spaces/index.html in it.

    | Column one | Column two | Column three | Column four | Column five | Column six | Column seven |
    |---|---|---|---|---|---|---|
    | 1234567890 | abcdefghijkl | mnopqrstuvwx | yz0123456789 | some longer text here | more text in this cell | and the last one |

    $$\\text{loss}(w, b) = \\frac{1}{n}\\sum_{i=1}^{n}\\left(w \\times \\text{size}_i + b - \\text{price}_i\\right)^2 + \\lambda \\left(w^2 + b^2\\right) + \\text{another long term}$$

    | a | b |
    |---|---|
    | 1 | 2 |

    \`\`\`python
    price = weight_of_size_in_square_feet * size_of_the_house_in_square_feet + the_bias_of_the_model_in_dollars
    \`\`\`

    \`\`\`python
    price = w * size + b
    \`\`\`

    ## A heading with averyveryverylongwordwithoutanyspacesthatcannotbreak inside it

    \`\`\`playground
    data:
      - [850, 215000]
      - [1000, 262000]
      - [1200, 285000]
      - [1500, 349000]
      - [1800, 398000]
      - [2100, 480000]
      - [2400, 522000]
    \`\`\`
  `,
  'content/glossary.yaml': `
    - term: Model
      definition: A function with adjustable parameters that maps inputs to outputs, described at some length so that its tooltip is wide.
    - term: Parameter
      definition: A number inside the model, set by training.
  `,
};

describe('what a learner met', () => {
  let site;
  let server;
  let browser;

  before(async () => {
    site = await servedCourse(FILES, PREFIX);
    ({ server, browser } = site);
  });

  after(async () => {
    await site?.close();
  });

  test('on a 390 px phone every page is as wide as the screen, tooltips and all', async (t) => {
    const context = await browser.newContext({ viewport: PHONE_390 });
    t.after(() => context.close());
    for (const url of ['with-code.html', 'plain.html', 'glossary.html', 'toc.html', 'index.html']) {
      const { page, problems } = await openPage(context, `${server.url}${url}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.equal(width, PHONE_390.width, `${url} is ${width}px wide`);
      expectNoProblems(problems);
      await page.close();
    }
  });

  test('a glossary tooltip stays on the screen, on phones and near a desktop line end', async (t) => {
    // Every tip shown in turn (focus, then hover): the page never gets wider than the screen,
    // and the tip is inside it. With and without JavaScript (phones need none).
    for (const [viewport, javaScriptEnabled] of [[{ width: 320, height: 700 }, true], [PHONE_390, true], [PHONE_390, false], [{ width: 1000, height: 800 }, true]]) {
      const context = await browser.newContext({ viewport, javaScriptEnabled });
      t.after(() => context.close());
      const page = await context.newPage();
      await page.goto(`${server.url}with-code.html`);
      const links = page.locator('main a[data-term][aria-describedby]');
      const count = await links.count();
      assert.ok(count >= 2, 'terms with tips');
      for (let i = 0; i < count; i++) {
        for (const how of ['focus', 'hover']) {
          await links.nth(i)[how]();
          const at = await links.nth(i).evaluate((a) => {
            const tip = document.getElementById(a.getAttribute('aria-describedby'));
            const box = tip.getBoundingClientRect();
            return { shown: getComputedStyle(tip).display !== 'none', left: box.left, right: box.right, width: document.documentElement.scrollWidth, screen: innerWidth };
          });
          const where = `${setting(viewport, javaScriptEnabled)}, term ${i} on ${how}`;
          assert.ok(at.shown, `${where}: the tip is not shown`);
          assert.ok(at.width <= at.screen, `${where}: the page is ${at.width}px wide`);
          assert.ok(at.left >= 0 && at.right <= at.screen, `${where}: the tip spans ${at.left}..${at.right}`);
          await page.mouse.move(0, 0);
          await page.locator('main').focus();
        }
      }
    }
  });

  test('the pointer can move onto a glossary tooltip without it vanishing (WCAG 1.4.13)', async (t) => {
    for (const viewport of [DESKTOP, PHONE_390]) {
      const context = await browser.newContext({ viewport });
      t.after(() => context.close());
      const { page, problems } = await openPage(context, `${server.url}plain.html`);
      const link = page.locator('main a[data-term][aria-describedby]').first();
      const tip = page.locator(`#${await link.getAttribute('aria-describedby')}`);
      const from = await link.boundingBox();
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      await tip.waitFor({ state: 'visible', timeout: 2000 });
      const to = await tip.boundingBox();
      // In small steps, as a hand moves: through the gap between the term and its tip.
      await page.mouse.move(to.x + Math.min(20, to.width / 2), to.y + to.height / 2, { steps: 12 });
      assert.ok(await tip.isVisible(), `${viewport.width}px: the tip vanished under the pointer`);
      await page.keyboard.press('Escape');
      assert.equal(await tip.isVisible(), false, `${viewport.width}px: Escape left the tip shown`);
      expectNoProblems(problems);
    }
  });

  test('at 320 px, and with WCAG 1.4.12 text spacing, no page scrolls sideways', async (t) => {
    const spacing = '* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }';
    for (const viewport of [{ width: 320, height: 700 }, PHONE_390]) {
      const context = await browser.newContext({ viewport });
      t.after(() => context.close());
      for (const url of ['wide.html', 'plain.html', 'with-code.html', 'print.html', 'index.html', 'toc.html']) {
        const { page, problems } = await openPage(context, `${server.url}${url}`);
        for (const spaced of [false, true]) {
          if (spaced) await page.addStyleTag({ content: spacing });
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          assert.ok(width <= viewport.width, `${url} at ${viewport.width}px${spaced ? ' with text spacing' : ''} is ${width}px wide`);
        }
        expectNoProblems(problems);
        await page.close();
      }
    }
  });

  test('a table or formula that scrolls inside itself can be scrolled from the keyboard', async (t) => {
    const context = await browser.newContext({ viewport: PHONE_390 });
    t.after(() => context.close());
    const { page, problems } = await openPage(context, `${server.url}wide.html`);
    const scrollers = await page.$$eval('main table, main math[display="block"]', (els) =>
      els.map((e) => ({ tag: e.tagName.toLowerCase(), wide: e.scrollWidth > e.clientWidth + 1, tabindex: e.getAttribute('tabindex') })));
    assert.deepEqual(scrollers, [
      { tag: 'table', wide: true, tabindex: '0' },
      { tag: 'math', wide: true, tabindex: '0' },
      { tag: 'table', wide: false, tabindex: null },
      { tag: 'table', wide: false, tabindex: null }, // the playground's data
    ]);
    // A code block is a Tab stop only when it scrolls (highlighting audit: every one was).
    const blocks = await page.$$eval('main pre.code', (els) =>
      els.map((e) => ({ wide: e.scrollWidth > e.clientWidth + 1, tabindex: e.getAttribute('tabindex') })));
    assert.deepEqual(blocks, [{ wide: true, tabindex: '0' }, { wide: false, tabindex: null }]);
    await expectNoAxeViolations(page, 'wide.html at 390 px');
    const table = page.locator('main table').first();
    await table.focus();
    await page.keyboard.press('ArrowRight');
    await waitInPage(page, () => document.querySelector('main table').scrollLeft > 0, null, 'the table scrolled by the arrow key');
    assert.match(page.url(), /wide\.html$/, 'the arrow key went to another page');
    expectNoProblems(problems);
    // On a wide screen the formula fits: no Tab stop that scrolls nothing.
    const desktop = await browser.newContext({ viewport: DESKTOP });
    t.after(() => desktop.close());
    const wide = (await openPage(desktop, `${server.url}wide.html`)).page;
    assert.equal(await wide.locator('main math[display="block"]').getAttribute('tabindex'), null);
    // The long line scrolls on a desktop too; a window made narrow gives the short one no stop.
    assert.equal(await wide.locator('main pre.code').first().getAttribute('tabindex'), '0');
    assert.equal(await wide.locator('main pre.code').nth(1).getAttribute('tabindex'), null);
  });

  test('without JavaScript a quiz is questions to read: no buttons, no promise of saving', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
    t.after(() => context.close());
    const page = await context.newPage();
    await page.goto(`${server.url}with-code.html`);
    const quiz = page.locator('form[data-quiz]');
    assert.ok(await quiz.locator('.no-js').isVisible(), 'the no-JavaScript notice');
    assert.ok(await quiz.locator('legend').first().isVisible(), 'the questions');
    for (const hidden of ['button[type=submit]', 'button[data-reset]', '.saved-notice']) {
      assert.equal(await quiz.locator(hidden).isVisible(), false, `${hidden} is shown without JavaScript`);
    }
    // Enter in an answer field does not send the page away with the answers in its address.
    await quiz.locator('input[type=text]').first().fill('3');
    await quiz.locator('input[type=text]').first().press('Enter');
    await page.waitForTimeout(300);
    assert.equal(new URL(page.url()).search, '', `the page went to ${page.url()}`);
  });

  test('the theme button is there from the first paint, says its state, and shifts nothing', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP, colorScheme: 'light' });
    t.after(() => context.close());
    const { page, problems } = await openPage(context, `${server.url}plain.html`);
    assert.equal(await layoutShift(page), 0, 'the page moved after its first paint');
    const button = page.locator('.theme-toggle');
    assert.ok(await button.isVisible());
    assert.equal(await button.getAttribute('aria-pressed'), 'false');
    const off = await button.evaluate((b) => getComputedStyle(b).backgroundColor);
    await button.click();
    assert.equal(await button.getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    const on = await button.evaluate((b) => getComputedStyle(b).backgroundColor);
    assert.notEqual(on, off, 'pressed and not pressed look the same');
    // Without JavaScript the button would do nothing: it is not shown.
    const noJs = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
    const plain = await noJs.newPage();
    await plain.goto(`${server.url}plain.html`);
    assert.equal(await plain.locator('.theme-toggle').isVisible(), false);
    await noJs.close();
    expectNoProblems(problems);
  });

  test('Escape dismisses a glossary tooltip; focus moving on brings it back', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page, problems } = await openPage(context, `${server.url}plain.html`);
    const term = page.locator('.term').first();
    await term.locator('a').focus();
    await waitInPage(page, () => getComputedStyle(document.querySelector('.term .term-tip')).display !== 'none', null, 'the tooltip on focus');
    await expectNoAxeViolations(page, 'a tooltip open');
    await page.keyboard.press('Escape');
    assert.equal(await term.locator('.term-tip').isVisible(), false, 'Escape left the tooltip');
    await page.locator('body').focus();
    await page.keyboard.press('Shift+Tab');
    await term.locator('a').focus();
    assert.ok(await term.locator('.term-tip').isVisible(), 'the tooltip stayed dismissed');
    expectNoProblems(problems);
  });

  test('print.html: its quizzes check answers and its widgets compute, as on their pages', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page, problems } = await openPage(context, `${server.url}print.html`);
    const quiz = page.locator('form[data-quiz]');
    await waitInPage(page, () => document.querySelector('form[data-quiz]')?.dataset.ready !== undefined, null, 'the quiz working');
    await quiz.locator('input[type=text]').first().fill('3');
    await quiz.locator('button[type=submit]').click();
    await waitInPage(page, () => document.querySelector('form[data-quiz] [data-result]').dataset.state === 'correct', null, 'the answer checked');
    const calculator = page.locator('[data-widget="calculator"]');
    await waitInPage(page, () => document.querySelector('[data-widget="calculator"]')?.dataset.ready, null, 'the calculator working');
    const size = calculator.locator('input[name="size"]');
    assert.equal(await size.isEnabled(), true, 'the calculator stays disabled');
    await size.fill('2000');
    await waitInPage(page, () => /450,000/.test(document.querySelector('[data-widget="calculator"] output[name="price"]').textContent), null, 'the new price');
    await expectNoAxeViolations(page, 'print.html');
    expectNoProblems(problems);
  });

  test('highlight.css is loaded where there is code, and only there', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const loaded = async (url) => {
      const sheets = [];
      const page = await context.newPage();
      page.on('request', (r) => sheets.push(r.url()));
      await page.goto(`${server.url}${url}`, { waitUntil: 'load' });
      await page.close();
      return sheets.some((u) => u.includes('highlight.css'));
    };
    assert.equal(await loaded('with-code.html'), true);
    for (const url of ['plain.html', 'toc.html', 'glossary.html', 'index.html']) {
      assert.equal(await loaded(url), false, `${url} loads highlight.css`);
    }
  });

  test('a draft titled "Coming soon" does not say it twice', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page } = await openPage(context, `${server.url}toc.html`);
    const text = await page.locator('main').textContent();
    assert.match(text, /Coming soon/);
    assert.doesNotMatch(text, /Coming soon\s*\(coming soon\)/i, text);
  });

  test('← and → go to the previous and next page, but not from a field', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page, problems } = await openPage(context, `${server.url}with-code.html`);
    // In an answer field the arrows move the caret, not the page.
    const field = page.locator('form[data-quiz] input[type=text]').first();
    await field.fill('12');
    await field.press('ArrowLeft');
    assert.match(page.url(), /with-code\.html$/);
    await page.locator('h1').click();
    await Promise.all([page.waitForURL(/plain\.html$/), page.keyboard.press('ArrowRight')]);
    await page.waitForLoadState('load');
    await Promise.all([page.waitForURL(/with-code\.html$/), page.keyboard.press('ArrowLeft')]);
    await page.waitForLoadState('load');
    // Leaving a page aborts what it was still loading (its favicon, say): that is the point here.
    problems.failedRequests = problems.failedRequests.filter((r) => !r.includes('net::ERR_ABORTED'));
    expectNoProblems(problems);
  });

  test('a code block has a copy button that copies its code and says so', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    t.after(() => context.close());
    const { page, problems } = await openPage(context, `${server.url}with-code.html`);
    const button = page.locator('.code-block .copy-code');
    assert.equal(await button.count(), 1, 'one code block, one button');
    await button.click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'fn main() { println!("hi"); }\n');
    assert.equal(await button.textContent(), 'Copied');
    await expectNoAxeViolations(page, 'a page with a copy button');
    expectNoProblems(problems);
    // Without JavaScript there is no button that could not work.
    const noJs = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
    const plain = await noJs.newPage();
    await plain.goto(`${server.url}with-code.html`);
    assert.equal(await plain.locator('.copy-code').count(), 0);
    await noJs.close();
  });

  test('every section heading links to itself, named for screen readers, shown on focus', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page, problems } = await openPage(context, `${server.url}with-code.html`);
    const anchor = page.locator('h2#a-section > a.heading-anchor');
    assert.equal(await anchor.getAttribute('href'), '#a-section');
    assert.equal(await anchor.getAttribute('aria-label'), 'Link to this section');
    assert.equal(await page.locator('h1 a.heading-anchor').count(), 0, 'the title has no anchor');
    await anchor.focus();
    assert.equal(await anchor.evaluate((a) => getComputedStyle(a).opacity), '1');
    // A target of at least 24 x 24 CSS px (WCAG 2.5.8), on a phone too.
    for (const width of [DESKTOP.width, 390]) {
      await page.setViewportSize({ width, height: 800 });
      const box = await anchor.boundingBox();
      assert.ok(box.width >= 24 && box.height >= 24, `the heading link is ${box.width} x ${box.height} px at ${width} px`);
    }
    await expectNoAxeViolations(page, 'a focused heading link');
    expectNoProblems(problems);
  });
});

describe('a long sidebar on a desktop', () => {
  // Sixty lessons: the current one is far below the sidebar's fold, so it is scrolled to.
  const lessons = Array.from({ length: 60 }, (_, i) => i + 1);
  const files = {
    'book.toml': `
      [book]
      title = "Long sidebar"

      [output.html]
      site-url = "${PREFIX}"
    `,
    'content/SUMMARY.md': `# Summary\n\n${lessons.map((n) => `- [Lesson ${n}](l${n}.md)`).join('\n')}\n`,
  };
  for (const n of lessons) files[`content/l${n}.md`] = `# Lesson ${n}\n\nText of lesson ${n}.\n`;
  let site;
  before(async () => {
    site = await servedCourse(files, PREFIX);
  });
  after(async () => {
    await site?.close();
  });

  test('the current page is scrolled into the sidebar, and the first Tab reaches the skip link', async (t) => {
    // A short window: the sidebar shows a few entries around the current one, still too many.
    const context = await site.browser.newContext({ viewport: { width: DESKTOP.width, height: 400 } });
    t.after(() => context.close());
    const { page, problems } = await openPage(context, `${site.server.url}l55.html`);
    const seen = await page.evaluate(() => {
      const toc = document.querySelector('.toc');
      const current = toc.querySelector('[aria-current="page"]').getBoundingClientRect();
      return { scrolled: toc.scrollTop, inside: current.top >= 0 && current.bottom <= innerHeight };
    });
    assert.ok(seen.scrolled > 0 && seen.inside, `the current entry is not in view in the sidebar: ${JSON.stringify(seen)}`);
    assert.equal(await page.evaluate(() => window.scrollY), 0, 'the page itself scrolled');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link', 'the first Tab went elsewhere');
    expectNoProblems(problems);
  });
});
