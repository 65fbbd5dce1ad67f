// The calculator and the fit-the-line playground in a real browser: the theme's widgets.js against
// the markup the build emits, computing with the WebAssembly build of quiz-wasm shipped next to it.
//
// One fixture course (served under /w/, as a GitHub Pages project site is) with its own numbers:
// a page with two calculators and a page with a playground on its own data set. The learner's
// side is driven with the mouse and keyboard only (clicks, Tab, typing, arrow keys), and every
// page must load with no console error and no request leaving the server.

import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { formatViolations, runAxe, runAxeWithoutJs } from './lib/axe.mjs';
import { DESKTOP, PHONE, formatProblems, launchBrowser, openPage } from './lib/browser.mjs';
import { buildOrThrow, makeCourse, removeDir, tempDir } from './lib/coursebook.mjs';
import { serve } from './lib/server.mjs';
import { formatVnu, validateHtml } from './lib/vnu.mjs';
import { expectNoAxeViolations, expectNoProblems, waitInPage } from './lib/expect.mjs';

const PREFIX = '/w/';
const DIVERGED = 'The learning rate is too large: the loss is growing. Reset and try a smaller one.';

// Calculator A has no currency; B has awkward numbers (a negative bias, a half-cent tie) and a
// currency, so "B's numbers typed into A" checks the browser against the build digit for digit.
const CALC_A = { w: 180, b: 42500, size: 1500 };
const CALC_B = { w: 150.25, b: -2000.125, size: 1234.5 };

// The playground's own houses, not the default ones; one written as a map.
const HOUSES = [
  [600, 150000],
  [900, 205000],
  [1200, 262000],
  [1500, 330000],
  [2000, 415000],
  [2600, 549000],
];

const COURSE = {
  'book.toml': `
    [book]
    title = "Widgets fixture"
    language = "en"

    [output.html]
    site-url = "${PREFIX}"
  `,
  'content/01-calculator.md': `
    ---
    title: Two calculators
    ---

    ## Try it

    \`\`\`calculator
    w: ${CALC_A.w}
    b: ${CALC_A.b}
    size: ${CALC_A.size}
    \`\`\`

    ## Awkward numbers

    \`\`\`calculator
    w: ${CALC_B.w}
    b: ${CALC_B.b}
    size: ${CALC_B.size}
    currency: "$"
    label: Price a flat
    \`\`\`
  `,
  'content/02-playground.md': `
    ---
    title: A playground
    ---

    ## Fit it

    \`\`\`playground
    label: Fit the flats
    data:
    ${HOUSES.map(([s, p], i) => (i === 2 ? `  - {size: ${s}, price: ${p}}` : `  - [${s}, ${p}]`)).join('\n    ')}
    w: 50
    b: 10000
    steps: 20
    \`\`\`
  `,
};

const CALC = '[data-widget="calculator"]';
const PLAY = '[data-widget="playground"]';




/** The built HTML of a served page, as a browser without JavaScript gets it. */
async function builtHtml(s, url) {
  return readFile(path.join(s.dest, new URL(url).pathname.slice(PREFIX.length)), 'utf8');
}

/** The text of the first element matching `re`'s capture in `html` (tags stripped). */
function textOf(html, re, what) {
  const m = re.exec(html);
  assert.ok(m, `the built HTML has no ${what}`);
  return m[1].replace(/<[^>]*>/g, '').replace(/&amp;/g, '&');
}

/** The nth calculator's built output and equation, read from the HTML file itself. */
function builtCalculator(html, n) {
  const blocks = html.split('data-widget="calculator"').slice(1);
  assert.ok(blocks[n], `the built page has no calculator #${n + 1}`);
  return {
    price: textOf(blocks[n], /<output name="price"[^>]*>([^<]*)<\/output>/, 'price output'),
    equation: textOf(blocks[n], /<p class="calc-equation"[^>]*>([^<]*)<\/p>/, 'equation'),
  };
}

/** Replace a number field's text the way a learner does: click, select all, type. */
async function typeInto(page, input, text) {
  await input.click();
  await page.keyboard.press('ControlOrMeta+A');
  if (text === '') {
    await page.keyboard.press('Backspace');
  } else {
    await page.keyboard.type(String(text));
  }
}

describe('widgets in the browser', () => {
  const s = {};

  before(
    async () => {
      s.course = await makeCourse(COURSE);
      s.dest = await tempDir('coursebook-widgets-site-');
      await buildOrThrow(s.course, { dest: s.dest });
      s.server = await serve(s.dest, { prefix: PREFIX });
      s.browser = await launchBrowser();
      // print.html holds every page's quizzes and widgets too: find the pages themselves.
      const pages = (await readdir(s.dest, { recursive: true })).filter((f) => f.endsWith('.html') && f !== 'print.html');
      for (const rel of pages) {
        const html = await readFile(path.join(s.dest, rel), 'utf8');
        const url = s.server.url + rel.split(path.sep).join('/');
        if (html.includes('data-widget="calculator"')) s.calcUrl = url;
        if (html.includes('data-widget="playground"')) s.playUrl = url;
      }
      assert.ok(s.calcUrl, `no built page has a calculator (pages: ${pages.join(', ')})`);
      assert.ok(s.playUrl, `no built page has a playground (pages: ${pages.join(', ')})`);
    },
    { timeout: 120_000 },
  );

  after(async () => {
    await s.browser?.close();
    await s.server?.close();
    if (s.dest) await removeDir(s.dest);
    if (s.course) await removeDir(s.course);
  });

  /** A fresh context and `url` in it, once widgets.js has set every widget up. */
  async function open(t, url, contextOptions = {}) {
    const context = await s.browser.newContext({ viewport: DESKTOP, ...contextOptions });
    t.after(() => context.close());
    const opened = await openPage(context, url);
    await waitInPage(
      opened.page,
      () => [...document.querySelectorAll('[data-widget]')].every((w) => w.dataset.ready === 'true'),
      null,
      'widgets.js to set the widgets up',
    );
    return { context, ...opened };
  }

  test('the build writes the worked example and the markup the theme relies on', { timeout: 30_000 }, async () => {
    const html = await builtHtml(s, s.calcUrl);
    const a = builtCalculator(html, 0);
    assert.equal(a.equation, '180 × 1500 + 42,500 = 312,500');
    assert.equal(a.price, '312,500');
    const b = builtCalculator(html, 1);
    assert.equal(b.equation, '150.25 × 1234.5 − 2000.13 = 183,483.5');
    assert.equal(b.price, '$183,483.5');
    for (const name of ['size', 'w', 'b']) assert.match(html, new RegExp(`<input type="number"[^>]* name="${name}"`));
    assert.match(html, /<input type="range"/);
    assert.match(html, /<script type="module" src="[^"]*theme\/js\/widgets\.js\?v=[^"]*"><\/script>/, 'the page does not load widgets.js');
    const play = await builtHtml(s, s.playUrl);
    assert.match(play, /<caption>The data: 6 houses<\/caption>/);
    assert.match(play, /<th scope="col">Size \(sq ft\)<\/th>/);
    assert.match(play, /<tr><td>1200<\/td><td>262,000<\/td><\/tr>/);
    assert.match(play, /The least-squares line[^<]*<span class="formula"[^>]*>price = [\d.,]+ × size [+−] [\d.,]+<\/span>/);
    assert.match(play, /role="img"/);
  });

  test('the widget pages are valid HTML (Nu HTML Checker)', { timeout: 180_000 }, async () => {
    const text = formatVnu(await validateHtml(s.dest), 'the widgets fixture');
    if (text) assert.fail(text);
  });

  test('the calculator follows the mouse and the keyboard, computed in wasm', { timeout: 60_000 }, async (t) => {
    const { page, problems } = await open(t, s.calcUrl);
    const calc = page.locator(CALC).first();
    const price = calc.locator('output[name="price"]');
    const size = calc.locator('input[name="size"]');
    assert.equal(await price.textContent(), '312,500');
    assert.equal(await size.isEnabled(), true);

    // Type a size: the price follows at once.
    await typeInto(page, size, '2000');
    assert.equal(await price.textContent(), '402,500');
    assert.equal(await calc.locator('[data-equation]').textContent(), '180 × 2000 + 42,500 = 402,500');

    // Tab to the size slider and step it with the arrow keys.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.range), 'size', 'Tab from the size field does not reach its slider');
    const step = Number(await calc.locator('input[data-range="size"]').getAttribute('step'));
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const newSize = 2000 + 2 * step;
    assert.equal(await size.inputValue(), String(newSize));
    assert.equal(await price.textContent(), (180 * newSize + 42500).toLocaleString('en-US'));

    // Tab on to w, type a new weight; then Tab past w's slider to b and type a negative bias.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.name), 'w');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('100');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowLeft');
    const w = Number(await calc.locator('input[name="w"]').inputValue());
    assert.ok(w < 100, `ArrowLeft on the w slider did not lower w (${w})`);
    await page.keyboard.press('Tab');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('-500');
    const expected = w * newSize - 500;
    assert.equal(await price.getAttribute('data-value'), String(expected));
    assert.doesNotMatch(await calc.innerText(), /NaN/);
    await expectNoAxeViolations(page, 'the calculator page after edits');
    expectNoProblems(problems);
  });

  test('bad entries show an inline message, never NaN, and nothing moves', { timeout: 60_000 }, async (t) => {
    const { page, problems } = await open(t, s.calcUrl);
    const calc = page.locator(CALC).first();
    const price = calc.locator('output[name="price"]');
    const size = calc.locator('input[name="size"]');
    const message = async (input) => {
      const id = await input.getAttribute('aria-describedby');
      return page.locator(`[id="${id}"]`).textContent();
    };
    const equationBox = await calc.locator('[data-equation]').boundingBox();
    const priceBox = await price.boundingBox();

    await typeInto(page, size, '-5');
    assert.equal(await message(size), 'Size must be a number of square feet, 0 or more.');
    assert.equal(await size.getAttribute('aria-invalid'), 'true');
    assert.equal(await price.textContent(), '—');
    assert.equal(await calc.locator('[data-equation]').textContent(), '180 × ? + 42,500 = ?');

    // Letters: a number field keeps only what could start a number ("e"), which is not one.
    await typeInto(page, size, 'abce');
    assert.equal(await message(size), 'Size must be a number of square feet, 0 or more.');
    assert.equal(await price.textContent(), '—');

    await typeInto(page, size, '');
    assert.equal(await message(size), 'Size is empty: enter a number of square feet, 0 or more.');

    const w = calc.locator('input[name="w"]');
    await typeInto(page, w, '12e');
    assert.equal(await message(w), 'The weight w must be a number (the price per square foot).');
    assert.equal(await w.getAttribute('aria-invalid'), 'true');
    assert.doesNotMatch(await calc.innerText(), /NaN|Infinity|undefined/);

    // The message lines and the output's width are reserved: nothing below shifts.
    assert.deepEqual(await calc.locator('[data-equation]').boundingBox(), equationBox, 'the equation moved when messages appeared');
    assert.equal((await price.boundingBox()).width, priceBox.width, 'the price output changed width');
    await expectNoAxeViolations(page, 'the calculator with errors');

    // Fixing the entries clears the messages and brings the price back.
    await typeInto(page, size, '1000');
    await typeInto(page, w, '200');
    assert.equal(await message(size), '');
    assert.equal(await size.getAttribute('aria-invalid'), null);
    assert.equal(await price.textContent(), '242,500');
    expectNoProblems(problems);
  });

  test('the browser computes exactly what the build wrote for the same numbers', { timeout: 60_000 }, async (t) => {
    const html = await builtHtml(s, s.calcUrl);
    const builtA = builtCalculator(html, 0);
    const builtB = builtCalculator(html, 1);
    const { page, problems } = await open(t, s.calcUrl);
    const [a, b] = [page.locator(CALC).nth(0), page.locator(CALC).nth(1)];
    // Each widget recomputed its own numbers in wasm on load.
    assert.equal(await a.locator('output[name="price"]').textContent(), builtA.price);
    assert.equal(await b.locator('output[name="price"]').textContent(), builtB.price);
    assert.equal(await b.locator('[data-equation]').textContent(), builtB.equation);
    // B's numbers typed into A (which has no currency) give B's built text.
    for (const name of ['size', 'w', 'b']) await typeInto(page, a.locator(`input[name="${name}"]`), CALC_B[name]);
    assert.equal(await a.locator('[data-equation]').textContent(), builtB.equation);
    assert.equal(`$${await a.locator('output[name="price"]').textContent()}`, builtB.price);
    expectNoProblems(problems);
  });

  test('the playground steps downhill and runs to the least-squares line', { timeout: 90_000 }, async (t) => {
    const { page, problems } = await open(t, s.playUrl);
    const play = page.locator(PLAY);
    const value = async (name) => Number(await play.locator(`output[name="${name}"]`).getAttribute('data-value'));
    const start = await value('loss');
    assert.ok(start > 0);
    assert.equal(await value('w'), 50);
    assert.equal(await value('b'), 10000);

    // One step with the mouse, one with the keyboard: the loss falls each time.
    await play.locator('button[data-action="step"]').click();
    const one = await value('loss');
    assert.ok(one < start, `one step did not lower the loss (${start} -> ${one})`);
    assert.equal(await value('steps'), 1);
    await page.keyboard.press('Enter');
    const two = await value('loss');
    assert.ok(two < one, `a second step (Enter) did not lower the loss (${one} -> ${two})`);
    assert.equal(await play.locator('[data-loss-line]').evaluate((l) => l.getAttribute('points').split(' ').length), 3);

    // The line on the chart moved.
    const lineBefore = await play.locator('[data-line]').getAttribute('y2');

    // Run many steps (animated): it settles on the least-squares line the build printed.
    const best = play.locator('[data-best-w]');
    const [bestW, bestB] = [Number(await best.getAttribute('data-best-w')), Number(await best.getAttribute('data-best-b'))];
    for (let run = 1; run <= 5; run++) {
      await play.locator('button[data-action="run"]').click();
      await waitInPage(page, ([sel, n]) => document.querySelector(`${sel} output[name="steps"]`)?.dataset.value === String(n), [PLAY, 2 + 20 * run], `run ${run} to finish`);
    }
    assert.ok(Math.abs((await value('w')) - bestW) < 1e-3 * Math.abs(bestW), `w = ${await value('w')}, least squares ${bestW}`);
    assert.ok(Math.abs((await value('b')) - bestB) < 1e-3 * Math.abs(bestB), `b = ${await value('b')}, least squares ${bestB}`);
    assert.equal(await play.locator('output[name="w"]').textContent(), (await best.textContent()).match(/price = ([\d.,]+) ×/)[1]);
    assert.notEqual(await play.locator('[data-line]').getAttribute('y2'), lineBefore);
    const points = (await play.locator('[data-loss-line]').getAttribute('points')).split(' ').map((p) => Number(p.split(',')[1]));
    assert.equal(points.length, 103);
    assert.ok(points.at(-1) > points[0], 'the loss chart does not go down (SVG y grows downwards)');
    // Losses in the billions read as powers of ten, and the chart is on a log scale, so the
    // steps after the first few are not a flat line along the bottom.
    assert.match(await play.locator('svg[data-loss-chart] desc').textContent(), /^After 102 steps the loss is [\d.]+ × 10[⁰¹²³⁴⁵⁶⁷⁸⁹]+, down from [\d.]+ × 10[⁰¹²³⁴⁵⁶⁷⁸⁹]+\.$/);
    assert.match(await play.locator('output[name="loss"]').textContent(), /^[\d.]+ × 10[⁰¹²³⁴⁵⁶⁷⁸⁹]+$/);
    assert.equal(await play.locator('[data-loss-axis]').textContent(), 'Loss (log scale)');
    assert.match(await play.locator('[data-loss-min]').textContent(), /× 10/);
    const later = points.slice(10).map((y) => Math.round(y));
    assert.ok(new Set(later).size > 10, `the loss chart is flat after ten steps: ${later.join(' ')}`);
    assert.equal(await play.locator('[data-diverged]').textContent(), '');
    assert.match(await play.locator('[data-announce]').textContent(), /^After 102 steps: w = /);

    // Reset goes back to the start.
    await play.locator('button[data-action="reset"]').click();
    assert.equal(await value('steps'), 0);
    assert.equal(await value('loss'), start);
    await expectNoAxeViolations(page, 'the playground page');
    expectNoProblems(problems);
  });

  test('a huge learning rate says the loss is growing, not a crash', { timeout: 60_000 }, async (t) => {
    const { page, problems } = await open(t, s.playUrl, { reducedMotion: 'reduce' });
    const play = page.locator(PLAY);
    const rate = play.locator('input[name="learning-rate"]');
    assert.equal(await rate.inputValue(), '0.1');

    // A bad rate: an inline message, and the step button sends the learner back to it.
    await typeInto(page, rate, '-1');
    const messageId = await rate.getAttribute('aria-describedby');
    assert.equal(await page.locator(`[id="${messageId}"]`).textContent(), 'Learning rate must be a number, 0 or more.');
    assert.equal(await rate.getAttribute('aria-invalid'), 'true');
    await play.locator('button[data-action="step"]').click();
    assert.equal(await play.locator('output[name="steps"]').textContent(), '0');
    assert.equal(await page.evaluate(() => document.activeElement?.name), 'learning-rate');

    await typeInto(page, rate, '5');
    // Reduced motion: the whole run happens at once.
    await play.locator('button[data-action="run"]').click();
    assert.equal(await play.locator('[data-diverged]').textContent(), DIVERGED);
    assert.equal(await play.getAttribute('data-state'), 'diverged');
    for (const name of ['w', 'b', 'loss']) {
      const v = await play.locator(`output[name="${name}"]`).getAttribute('data-value');
      assert.ok(Number.isFinite(Number(v)), `${name} is ${v}`);
    }
    // More clicks keep it calm.
    for (let i = 0; i < 5; i++) await play.locator('button[data-action="run"]').click();
    assert.doesNotMatch(await play.innerText(), /NaN|Infinity|undefined/);
    await expectNoAxeViolations(page, 'the diverged playground');

    await play.locator('button[data-action="reset"]').click();
    assert.equal(await play.locator('[data-diverged]').textContent(), '');
    await typeInto(page, rate, '0.3');
    await play.locator('button[data-action="run"]').click();
    assert.equal(await play.locator('output[name="steps"]').textContent(), '20');
    assert.equal(await play.locator('[data-diverged]').textContent(), '');
    expectNoProblems(problems);
  });

  test('without JavaScript the worked example, the table and the best line are there', { timeout: 60_000 }, async (t) => {
    const context = await s.browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    t.after(() => context.close());
    const page = await context.newPage();
    await page.goto(s.calcUrl);
    const calc = page.locator(CALC).first();
    assert.equal(await calc.locator('output[name="price"]').textContent(), '312,500');
    assert.ok(await calc.locator('.no-js').isVisible(), 'the no-JavaScript notice is hidden without JavaScript');
    await page.goto(s.playUrl);
    const play = page.locator(PLAY);
    assert.ok(await play.locator('table').isVisible());
    assert.ok(await play.locator('.pg-best').isVisible());
    assert.ok(await play.locator('svg[data-chart]').isVisible());
    for (const url of [s.calcUrl, s.playUrl]) {
      const text = formatViolations(await runAxeWithoutJs(s.browser, url, { viewport: PHONE }), `${url} without JavaScript`);
      if (text) assert.fail(text);
    }
  });

  test('without the WebAssembly the worked example stays and the page says why nothing moves', { timeout: 60_000 }, async (t) => {
    const context = await s.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const wasm = /\/quiz_wasm_bg\.wasm(\?.*)?$/;
    await context.route(wasm, (route) => route.fulfill({ status: 404, body: 'gone' }));
    for (const url of [s.calcUrl, s.playUrl]) {
      const { page, problems } = await openPage(context, url, { allowStatus: (u, status) => status === 404 && wasm.test(u) });
      await waitInPage(page, () => document.querySelectorAll('[data-widget] .widget-error').length === document.querySelectorAll('[data-widget]').length, null, 'the could-not-load notice');
      if (url === s.calcUrl) {
        assert.equal(await page.locator(`${CALC} output[name="price"]`).first().textContent(), '312,500');
        assert.equal(await page.locator(`${CALC} input[name="size"]`).first().isDisabled(), true);
      } else {
        assert.equal(await page.locator(`${PLAY} button[data-action="step"]`).isDisabled(), true);
        assert.ok(await page.locator(`${PLAY} .pg-best`).isVisible());
      }
      expectNoProblems(problems);
    }
  });

  test('on a phone the widgets fit the screen', { timeout: 60_000 }, async (t) => {
    for (const url of [s.calcUrl, s.playUrl]) {
      const { page, problems } = await open(t, url, { viewport: PHONE });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${url} scrolls sideways by ${overflow}px on a phone`);
      await expectNoAxeViolations(page, `${url} on a phone`);
      expectNoProblems(problems);
    }
  });
});
