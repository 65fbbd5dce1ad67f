// The learner's journey (issue #14, points 1-4), in Chromium under a sub-path across a
// three-lesson course: states and scores in the sidebar, the contents, the home and the progress
// pages; the review of missed questions; export, import (and bad files), forget; storage that
// fails; a renamed lesson that keeps its id; keyboard only, axe-core, a 390 px phone, no layout
// shift from painting, the wasm module fetched once.

import assert from 'node:assert/strict';
import { cp, readFile, rename, writeFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';

import { DESKTOP, launchBrowser, layoutShift, openPage } from './lib/browser.mjs';
import { buildOrThrow, makeCourse, removeDir } from './lib/coursebook.mjs';
import { serve } from './lib/server.mjs';
import { servedCourse } from './lib/served.mjs';
import { expectNoAxeViolations, expectNoProblems, waitInPage } from './lib/expect.mjs';

const PREFIX = '/journey/';
const PHONE_390 = { width: 390, height: 844 };

const FILES = {
  'book.toml': `
    [book]
    title = "Journey fixture"

    [output.html]
    site-url = "${PREFIX}"
  `,
  'content/SUMMARY.md': `
    # Summary

    - [First steps](first.md)
      - [Second steps](second.md)
    - [The end](third.md)
  `,
  'content/first.md': `
    ---
    quiz: first.quiz.yaml
    ---
    # First steps

    ## Reading

    Some text to read.

    ## More reading

    More text.
  `,
  'content/first.quiz.yaml': `
    title: Check yourself
    pass: 100%
    questions:
      - id: colour
        type: single
        prompt: Which is a colour?
        hint: Look up.
        choices:
          - text: Blue
            correct: true
          - text: Seven
            feedback: Seven is a number.
      - id: count
        type: numeric
        prompt: How many legs has a cat?
        answer: 4
  `,
  'content/second.md': `
    ---
    quiz: second.quiz.yaml
    ---
    # Second steps

    Text.
  `,
  'content/second.quiz.yaml': `
    pass: 100%
    questions:
      - id: sum
        type: numeric
        prompt: What is 2 + 3?
        answer: 5
  `,
  'content/third.md': `
    ---
    id: the-end
    ---
    # The end

    No quiz here: mark it done.
  `,
};

/** Open `url` and wait for progress.js to have painted. */
async function openPainted(context, url) {
  const opened = await openPage(context, url);
  await waitInPage(opened.page, () => document.body.dataset.progressReady !== undefined, null, 'progress.js');
  return opened;
}

/** Each lesson link's data-progress in the sidebar (or another list), by its lesson name. */
function states(page, selector = '.toc a[data-lesson]') {
  return page.$$eval(selector, (links) => Object.fromEntries(links.map((a) => [a.dataset.lesson, a.dataset.progress])));
}

/** The progress page's table as text, row by row. */
function tableText(page) {
  return page.$$eval('.progress-table tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent.trim()).join(' | ')));
}

async function answerFirstQuiz(page, { colour, count }) {
  const quiz = page.locator('form[data-quiz]');
  await waitInPage(page, () => document.querySelector('form[data-quiz]')?.dataset.ready !== undefined, null, 'the quiz');
  await quiz.locator(`[data-question="colour"] label:has-text("${colour}")`).click();
  await quiz.locator('[data-question="count"] input').fill(count);
  await quiz.locator('button[type=submit]').click();
  await waitInPage(page, () => document.querySelector('[data-score]')?.textContent.includes('Score'), null, 'the score');
}

describe('the learner\'s journey', () => {
  let site;
  let dir;
  let server;
  let browser;

  before(async () => {
    site = await servedCourse(FILES, PREFIX);
    ({ dir, server, browser } = site);
  });

  after(async () => {
    await site?.close();
  });

  test('visit, answer wrongly then rightly: states and scores everywhere the course is listed', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const home = (await openPainted(context, `${server.url}index.html`)).page;
    const go = home.locator('a[data-continue]');
    assert.equal(await go.textContent(), 'Start the course');
    assert.match(await go.getAttribute('href'), /first\.html$/);
    assert.deepEqual(await states(home, '.cards a[data-lesson]'), {
      'first.html': 'not-started',
      'second.html': 'not-started',
      'the-end': 'not-started',
    });
    assert.match(await home.locator('[data-course-percent]').textContent(), /^0% of the course done: 0 of 3 lessons\.$/);

    const { page, problems } = await openPainted(context, `${server.url}first.html`);
    assert.equal((await states(page))['first.html'], 'visited');
    await answerFirstQuiz(page, { colour: 'Seven', count: '4' });
    assert.equal((await states(page))['first.html'], 'visited', 'a failed quiz does not make the lesson done');
    // The sidebar takes the score once it is saved: wait for it (read at once, it raced).
    await waitInPage(page, () => /best score 50%/.test(document.querySelector('.toc a[data-lesson="first.html"]').textContent), null, 'the score in the sidebar');
    assert.match(await page.locator('.toc a[data-lesson="first.html"]').textContent(), /Visited, best score 50%/);
    await answerFirstQuiz(page, { colour: 'Blue', count: '4' });
    await waitInPage(page, () => document.querySelector('.toc a[data-lesson="first.html"]').dataset.progress === 'done', null, 'done in the sidebar');
    // In text for screen readers, not by an icon alone; the chapter counts its lessons.
    assert.match(await page.locator('.toc a[data-lesson="first.html"]').textContent(), /Done, best score 100%; 0 of 1 lesson done/);
    expectNoProblems(problems);

    const contents = (await openPainted(context, `${server.url}toc.html`)).page;
    assert.deepEqual(await states(contents, '.contents-list a[data-lesson]'), {
      'first.html': 'done',
      'second.html': 'not-started',
      'the-end': 'not-started',
    });
    assert.equal(await contents.locator('.contents-list a[data-lesson="first.html"] + [data-note]').textContent(), 'Done, best score 100% · 0 of 1 lesson done');

    await home.reload();
    await waitInPage(home, () => document.body.dataset.progressReady !== undefined, null, 'progress.js');
    assert.equal(await go.textContent(), 'Continue: 1.1. Second steps');
    assert.match(await go.getAttribute('href'), /second\.html$/);
    assert.match(await home.locator('[data-course-percent]').textContent(), /^33% of the course done: 1 of 3 lessons\.$/);
    assert.equal(await home.locator('.cards a[data-lesson="first.html"] ~ [data-note]').textContent(), 'Done, best score 100% · 0 of 1 lesson done');

    const progress = (await openPainted(context, `${server.url}progress.html`)).page;
    const rows = await tableText(progress);
    assert.match(rows[0], /^1\. First steps \| Done · 0 of 1 lesson done \| 100% \| 100% \| 2 \| \S/);
    assert.match(rows[1], /^1\.1\. Second steps \| Not started \| — \| — \| 0 \| —$/);
    assert.equal(await progress.locator('progress.course-meter').evaluate((m) => m.value), 33);
    assert.equal(await progress.locator('[data-review-status]').textContent(), 'Nothing to review: every answer you last checked is right.');
  });

  test('a missed question is answered on the progress page, and its lesson is updated', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const wasm = [];
    context.on('request', (r) => {
      if (r.url().includes('.wasm')) wasm.push(r.url());
    });
    const lesson = (await openPainted(context, `${server.url}second.html`)).page;
    await waitInPage(lesson, () => document.querySelector('form[data-quiz]')?.dataset.ready !== undefined, null, 'the quiz');
    await lesson.locator('[data-question="sum"] input').fill('6');
    await lesson.locator('button[type=submit]').click();
    await waitInPage(lesson, () => document.querySelector('[data-result]')?.dataset.state === 'incorrect', null, 'the wrong answer');

    const { page, problems } = await openPainted(context, `${server.url}progress.html`);
    await waitInPage(page, () => document.querySelector('[data-review] form[data-quiz]')?.dataset.ready !== undefined, null, 'the review');
    assert.equal(await page.locator('[data-review-status]').textContent(), '1 question to review.');
    const review = page.locator('[data-review] form[data-quiz]');
    assert.equal(await review.locator('[data-question]').count(), 1);
    assert.equal(await review.locator('[data-question="sum"] input').inputValue(), '6', 'the last answer is shown');
    assert.equal(await review.locator('[data-result]').getAttribute('data-state'), 'incorrect');
    assert.match(await page.locator('.review-lesson h3 a').getAttribute('href'), /second\.html$/);
    await expectNoAxeViolations(page, 'the progress page with a review');
    await review.locator('[data-question="sum"] input').fill('5');
    await review.locator('button[type=submit]').click();
    await waitInPage(page, () => document.querySelector('.progress-table a[data-lesson="second.html"]').dataset.progress === 'done', null, 'the lesson done in the table');
    assert.equal(await review.locator('[data-result]').getAttribute('data-state'), 'correct');
    // Answered right, it is done at once: marked so, and no longer counted.
    assert.equal(await review.locator('[data-question="sum"]').getAttribute('data-reviewed'), '', 'the question is not marked done');
    assert.equal(await page.locator('[data-review-status]').textContent(), 'Nothing to review: every answer you last checked is right.');
    assert.match((await tableText(page))[1], /^1\.1\. Second steps \| Done \| 100% \| 100% \| 2 \| /);
    expectNoProblems(problems);

    await lesson.reload();
    await waitInPage(lesson, () => document.querySelector('[data-result]')?.dataset.state === 'correct', null, 'the lesson showing the right answer');
    assert.equal(await lesson.locator('[data-question="sum"] input').inputValue(), '5');
    assert.equal(new Set(wasm).size, 1, `one wasm module: ${wasm.join(', ')}`);
    assert.equal(wasm.length, 3, 'fetched once per page that grades (the lesson, the progress page, the lesson again)');
  });

  test('export, clear, import: the same state; malformed and foreign files change nothing', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
    t.after(() => context.close());
    const lesson = (await openPainted(context, `${server.url}first.html`)).page;
    await answerFirstQuiz(lesson, { colour: 'Seven', count: '3' });
    const end = (await openPainted(context, `${server.url}third.html`)).page;
    await end.locator('[data-mark-done]').click();
    assert.equal(await end.locator('[data-mark-done]').getAttribute('aria-pressed'), 'true');

    const { page, problems } = await openPainted(context, `${server.url}progress.html`);
    const before = await tableText(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-export]').click()]);
    assert.match(download.suggestedFilename(), /^journey-fixture-progress\.json$/);
    const file = await download.path();
    const data = JSON.parse(await readFile(file, 'utf8'));
    assert.equal(data.format, 'coursebook-progress');
    assert.equal(data.version, 1);
    assert.equal(data.course.title, 'Journey fixture');
    assert.equal(data.answers['first.html:check-yourself:colour'].state, 'incorrect');
    assert.ok(data.lessons['the-end'].done > 0);

    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await waitInPage(page, () => document.body.dataset.progressReady !== undefined, null, 'progress.js');
    assert.match((await tableText(page))[0], /Not started/);

    // Bad files first: each says why, and nothing is lost.
    const input = page.locator('input[data-import]');
    const status = page.locator('[data-import-status]');
    await input.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "coursebook-progress",') });
    await waitInPage(page, () => document.querySelector('[data-import-status]').textContent !== '', null, 'the message');
    assert.match(await status.textContent(), /not a coursebook progress file.*Nothing was changed/);
    const foreign = { ...data, course: { title: 'Another course', id: 'coursebook:/other/:another-course' } };
    await input.setInputFiles({ name: 'other.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(foreign)) });
    await waitInPage(page, () => document.querySelector('[data-import-status]').textContent.includes('Another'), null, 'the foreign file message');
    assert.equal(await status.textContent(), 'This file holds the progress of another course, “Another course”. Nothing was changed.');
    assert.match((await tableText(page))[0], /Not started/);

    await input.setInputFiles(file);
    await waitInPage(page, () => document.querySelector('[data-import-status]').textContent.startsWith('Imported'), null, 'the import');
    assert.match(await status.textContent(), /^Imported 2 answers and the progress of 2 lessons\.$/);
    assert.deepEqual(await tableText(page), before);
    // Importing the same file again takes nothing new and loses nothing.
    await input.setInputFiles(file);
    await waitInPage(page, () => /Imported 0 answers/.test(document.querySelector('[data-import-status]').textContent), null, 'the second import');
    assert.deepEqual(await tableText(page), before);

    // Forget asks first; Cancel keeps everything.
    await page.locator('button[data-forget]').click();
    assert.ok(await page.locator('[data-forget-confirm]').isVisible());
    await page.locator('[data-forget-no]').click();
    assert.deepEqual(await tableText(page), before);
    // The imported wrong answer is in the review, and the lesson shows it (last: opening the
    // lesson counts a visit, which changes the table compared above).
    await waitInPage(page, () => document.querySelector('[data-review] form[data-quiz]')?.dataset.ready !== undefined, null, 'the review');
    await lesson.reload();
    await waitInPage(lesson, () => document.querySelector('[data-question="colour"] [data-result]')?.dataset.state === 'incorrect', null, 'the answer back on its lesson');

    await page.locator('button[data-forget]').click();
    await page.locator('[data-forget-yes]').click();
    assert.match((await tableText(page))[2], /^2\. The end \| Not started/);
    assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('coursebook:/journey/')).length), 0);
    expectNoProblems(problems);
  });

  test('with storage blocked, every page works and says once that progress is not saved', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    await context.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', {
        get() {
          throw new DOMException('blocked', 'SecurityError');
        },
      });
    });
    const { page, problems } = await openPainted(context, `${server.url}first.html`);
    const notice = page.locator('[data-storage-notice]');
    assert.ok(await notice.isVisible(), 'the notice');
    assert.match(await notice.textContent(), /not being saved/);
    await answerFirstQuiz(page, { colour: 'Blue', count: '4' });
    assert.match(await page.locator('[data-score]').textContent(), /Score: 2 of 2/);
    await waitInPage(page, () => document.querySelector('.toc a[data-lesson="first.html"]').dataset.progress === 'done', null, 'done for this page');
    assert.equal(await page.locator('[data-storage-notice]').count(), 1, 'said once');
    await notice.locator('button').click();
    assert.equal(await page.locator('[data-storage-notice]').count(), 0);
    expectNoProblems(problems);
    const progress = await openPainted(context, `${server.url}progress.html`);
    assert.match((await tableText(progress.page))[0], /Not started/);
    expectNoProblems(progress.problems);
  });

  test('keyboard only: Continue from the home page, export and forget on the progress page', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    await openPainted(context, `${server.url}first.html`);
    const { page } = await openPainted(context, `${server.url}index.html`);
    const go = page.locator('a[data-continue]');
    for (let i = 0; i < 30 && !(await go.evaluate((a) => a === document.activeElement)); i++) await page.keyboard.press('Tab');
    assert.ok(await go.evaluate((a) => a === document.activeElement), 'Continue is reached with Tab');
    await Promise.all([page.waitForURL(/second\.html$/), page.keyboard.press('Enter')]);

    const progress = (await openPainted(context, `${server.url}progress.html`)).page;
    const forget = progress.locator('button[data-forget]');
    for (let i = 0; i < 40 && !(await forget.evaluate((b) => b === document.activeElement)); i++) await progress.keyboard.press('Tab');
    assert.ok(await forget.evaluate((b) => b === document.activeElement), 'Forget is reached with Tab');
    await progress.keyboard.press('Enter');
    assert.equal(await forget.getAttribute('aria-expanded'), 'true');
    assert.ok(await progress.locator('[data-forget-no]').evaluate((b) => b === document.activeElement), 'focus on Cancel');
    await progress.keyboard.press('Escape');
    assert.equal(await progress.locator('[data-forget-confirm]').isVisible(), false);
    assert.ok(await forget.evaluate((b) => b === document.activeElement), 'focus back on Forget');
    assert.match((await tableText(progress))[0], /Visited/, 'nothing forgotten');
  });

  test('every new page: no axe violations, as wide as a 390 px phone, and painting shifts nothing', async (t) => {
    const context = await browser.newContext({ viewport: PHONE_390 });
    t.after(() => context.close());
    // Some progress first, so painting has something to change.
    const lesson = (await openPainted(context, `${server.url}first.html`)).page;
    await answerFirstQuiz(lesson, { colour: 'Seven', count: '4' });
    for (const url of ['index.html', 'toc.html', 'progress.html', 'first.html', 'second.html', 'third.html']) {
      const { page, problems } = await openPainted(context, `${server.url}${url}`);
      // Below 0.001, as on a wide screen below: a fresh CI run on a machine at half its usual
      // speed once measured 0.00017 on second.html (a few pixels of one small box moving by
      // one), which no other run showed; a card or a row growing as progress is painted scores
      // far more.
      const shift = await layoutShift(page);
      assert.ok(shift < 0.001, `${url} moved while progress was painted: ${shift}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.equal(width, PHONE_390.width, `${url} is ${width}px wide`);
      await expectNoAxeViolations(page, url);
      expectNoProblems(problems);
      await page.close();
    }
    const wide = await browser.newContext({ viewport: DESKTOP });
    for (const url of ['index.html', 'toc.html', 'progress.html', 'first.html']) {
      const { page } = await openPainted(wide, `${server.url}${url}`);
      // Below 0.001: a fresh CI run on a loaded machine once measured 0.00003 on index.html
      // (about one full-width line moving a pixel at 1280 × 800), which no local run
      // reproduces; 0.001 is the main column moving about two pixels, and a row or a card
      // growing as progress is painted scores more.
      const shift = await layoutShift(page);
      assert.ok(shift < 0.001, `${url} moved on a wide screen: ${shift}`);
      await expectNoAxeViolations(page, `${url} (wide)`);
    }
    await wide.close();
  });

  test('the last lesson ends with the course\'s progress; a lesson without a quiz is marked done', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page, problems } = await openPainted(context, `${server.url}third.html`);
    const end = page.locator('.course-end');
    assert.ok(await end.isVisible());
    assert.match(await end.locator('[data-course-percent]').textContent(), /^0% of the course done: 0 of 3 lessons\.$/);
    assert.match(await end.locator('a').getAttribute('href'), /progress\.html$/);
    const mark = page.locator('[data-mark-done]');
    assert.equal(await mark.getAttribute('aria-pressed'), 'false');
    await mark.click();
    assert.equal(await mark.getAttribute('aria-pressed'), 'true');
    assert.match(await end.locator('[data-course-percent]').textContent(), /^33% of the course done: 1 of 3 lessons\.$/);
    assert.equal((await states(page))['the-end'], 'done');
    // "On this page" lists a lesson's sections on wide screens.
    const first = (await openPainted(context, `${server.url}first.html`)).page;
    assert.deepEqual(await first.$$eval('.on-this-page a', (as) => as.map((a) => a.getAttribute('href'))), ['#reading', '#more-reading']);
    assert.ok(await first.locator('.on-this-page').isVisible() === false || DESKTOP.width >= 1280);
    expectNoProblems(problems);
    // Without JavaScript there is no button that could not work, and no empty progress.
    const noJs = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
    const plain = await noJs.newPage();
    await plain.goto(`${server.url}third.html`);
    assert.equal(await plain.locator('[data-mark-done]').isVisible(), false);
    await plain.goto(`${server.url}progress.html`);
    assert.ok(await plain.locator('.no-js-only').isVisible());
    assert.equal(await plain.locator('button[data-export]').isVisible(), false);
    await noJs.close();
  });

  test('a quiz passed on print.html counts for its lesson; the print page\'s outline nests each lesson', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page, problems } = await openPainted(context, `${server.url}print.html`);
    const chapter = page.locator('section.print-chapter[data-lesson="first.html"]');
    const quiz = chapter.locator('form[data-quiz]');
    await waitInPage(page, () => document.querySelector('section[data-lesson="first.html"] form[data-quiz]')?.dataset.ready !== undefined, null, 'the quiz');
    await quiz.locator('[data-question="colour"] label:has-text("Blue")').click();
    await quiz.locator('[data-question="count"] input').fill('4');
    await quiz.locator('button[type=submit]').click();
    await waitInPage(page, () => document.querySelector('.toc a[data-lesson="first.html"]')?.dataset.progress === 'done', null, 'done in the sidebar');
    const contents = (await openPainted(context, `${server.url}toc.html`)).page;
    assert.equal((await states(contents, '.contents-list a[data-lesson]'))['first.html'], 'done');
    assert.notEqual((await states(contents, '.contents-list a[data-lesson]'))['second.html'], 'done', 'another lesson counted');
    // Each lesson's title is an h2 on this page: its sections and its quiz's title sit below it.
    const levels = await chapter.evaluate((c) => [...c.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => `${h.tagName} ${h.textContent.trim()}`));
    assert.match(levels[0], /^H2 First steps/);
    assert.ok(levels.length > 3, levels.join(' | '));
    for (const h of levels.slice(1)) assert.doesNotMatch(h, /^H[12] /, levels.join(' | '));
    expectNoProblems(problems);
  });

  test('a lesson renamed with its id kept keeps its progress', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page } = await openPainted(context, `${server.url}third.html`);
    await page.locator('[data-mark-done]').click();
    await rename(`${dir}/content/third.md`, `${dir}/content/finale.md`);
    const summary = `${dir}/content/SUMMARY.md`;
    const text = await readFile(summary, 'utf8');
    await writeFile(summary, text.replace('third.md', 'finale.md'));
    await buildOrThrow(dir);
    const moved = (await openPainted(context, `${server.url}finale.html`)).page;
    assert.equal(await moved.locator('[data-mark-done]').getAttribute('aria-pressed'), 'true');
    assert.equal((await states(moved))['the-end'], 'done');
  });
});

// A lesson's `id` is the author's, and progress is kept by it: `__proto__` read and wrote
// Object.prototype (its progress never saved, and every lesson only visited showed "done").
describe('a lesson id that names an object property', () => {
  let site;

  before(async () => {
    site = await servedCourse({
      'book.toml': '[book]\ntitle = "Proto fixture"\n[output.html]\nsite-url = "/proto/"\n',
      'content/SUMMARY.md': '# Summary\n\n- [One](one.md)\n- [Two](two.md)\n',
      'content/one.md': '---\nid: __proto__\n---\n# One\n\nMark me done.\n',
      'content/two.md': '---\nid: toString\n---\n# Two\n\nOnly visited.\n',
    }, '/proto/');
  });

  after(async () => {
    await site?.close();
  });

  test('keeps its own progress and touches no other lesson\'s', async (t) => {
    const context = await site.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page, problems } = await openPainted(context, `${site.server.url}two.html`);
    const one = (await openPainted(context, `${site.server.url}one.html`)).page;
    await one.locator('[data-mark-done]').click();
    assert.equal(await one.evaluate(() => ({}).done), undefined, 'Object.prototype was written');
    const again = (await openPainted(context, `${site.server.url}two.html`)).page;
    assert.deepEqual(await states(again), { __proto__: 'done', toString: 'visited' });
    assert.equal(await again.evaluate(() => ({}).visit), undefined);
    expectNoProblems(problems);
    await page.close();
  });
});

// Two courses of one title built without site-url, served side by side on one origin (two
// GitHub Pages projects of one user): each keeps its own progress, and what a learner saved
// under the name they shared before is copied to each, so nothing is lost.
describe('two courses of one title on one origin, without site-url', () => {
  let dir;
  let server;
  let browser;

  before(async () => {
    dir = await makeCourse({
      'book.toml': '[book]\ntitle = "Twin fixture"\n',
      'content/SUMMARY.md': '# Summary\n\n- [One](one.md)\n- [Two](two.md)\n',
      'content/one.md': '# One\n\nMark me done.\n',
      'content/two.md': '---\nquiz: two.quiz.yaml\n---\n# Two\n\nA quiz.\n',
      'content/two.quiz.yaml': 'questions:\n  - id: sum\n    type: numeric\n    prompt: What is 2 + 3?\n    answer: 5\n',
    });
    await buildOrThrow(dir);
    await cp(`${dir}/site`, `${dir}/pages/course-a`, { recursive: true });
    await cp(`${dir}/site`, `${dir}/pages/course-b`, { recursive: true });
    server = await serve(`${dir}/pages`);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (dir) await removeDir(dir);
  });

  test('each keeps its own progress; what was saved under the shared name reaches both', async (t) => {
    const context = await browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    // Saved by an earlier version, under the name both courses shared: lesson one done.
    await context.addInitScript(() => {
      const shared = 'coursebook:/:twin-fixture#progress';
      if (!localStorage.getItem(shared)) {
        localStorage.setItem(shared, JSON.stringify({ v: 1, last: 'one.html', lessons: { 'one.html': { first: 1, visit: 1, done: 1, marked: true } } }));
      }
    });
    const a = (await openPainted(context, `${server.url}course-a/two.html`)).page;
    assert.equal(await a.evaluate(() => document.body.dataset.course), 'coursebook:/:twin-fixture');
    assert.equal((await states(a))['one.html'], 'done', 'course A lost what was saved before');
    await waitInPage(a, () => document.querySelector('form[data-quiz]')?.dataset.ready !== undefined, null, 'the quiz');
    await a.locator('[data-question="sum"] input').fill('5');
    await a.locator('form[data-quiz] button[type=submit]').click();
    await waitInPage(a, () => document.querySelector('.toc a[data-lesson="two.html"]')?.dataset.progress === 'done', null, 'done in A');
    const { page: b, problems } = await openPainted(context, `${server.url}course-b/two.html`);
    assert.equal((await states(b))['one.html'], 'done', 'course B lost what was saved before');
    assert.notEqual((await states(b))['two.html'], 'done', "course A's quiz counted in course B");
    assert.equal(await b.locator('[data-question="sum"] input').inputValue(), '', "course A's answer shown in course B");
    const keys = await b.evaluate(() => Object.keys(localStorage).sort());
    assert.ok(keys.some((k) => k.startsWith('coursebook:/course-a/:twin-fixture:two.html:')), keys.join(' '));
    assert.ok(!keys.some((k) => k.startsWith('coursebook:/:twin-fixture:')), `written under the shared name: ${keys.join(' ')}`);
    // Forgetting in B (its progress page) leaves A alone, and the shared entry does not come
    // back to B.
    const progress = (await openPainted(context, `${server.url}course-b/progress.html`)).page;
    await progress.locator('button[data-forget]').click();
    await progress.locator('[data-forget-yes]').click();
    const left = await progress.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('coursebook:/course-b/:twin-fixture:') || k === 'coursebook:/course-b/:twin-fixture#progress'));
    assert.deepEqual(left, [], 'course B kept entries after forget');
    const againB = (await openPainted(context, `${server.url}course-b/two.html`)).page;
    assert.notEqual((await states(againB))['one.html'], 'done', 'the shared entry came back after forget');
    const againA = (await openPainted(context, `${server.url}course-a/two.html`)).page;
    assert.equal((await states(againA))['one.html'], 'done');
    assert.equal((await states(againA))['two.html'], 'done');
    assert.equal(await againA.locator('[data-question="sum"] input').inputValue(), '5');
    expectNoProblems(problems);
  });
});
