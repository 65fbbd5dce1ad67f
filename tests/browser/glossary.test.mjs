// Glossary mentions in a real browser: the definition of a linked term shows on hover and on
// keyboard focus, without JavaScript and without moving the text around it; the glossary page
// and a lesson pass axe-core.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { formatViolations, runAxe } from './lib/axe.mjs';
import { DESKTOP, formatProblems, launchBrowser, openPage } from './lib/browser.mjs';
import { buildOrThrow, makeCourse, removeDir } from './lib/coursebook.mjs';
import { serve } from './lib/server.mjs';

const FILES = {
  'book.toml': '[book]\ntitle = "Glossary fixture"\n[output.html]\nsite-url = "/gl/"\n',
  'content/glossary.yaml': `
    - term: Model
      definition: A function with *adjustable* parameters.
      aliases: [models]
    - term: Language model
      definition: A model that predicts the next token.
      see: [model]
  `,
  'content/01-lesson.md': `
    ---
    title: Lesson
    terms: [model]
    ---
    A language model is a model. Models are everywhere, but \`model\` in code is not linked.

    ## The model heading is not linked
  `,
};

describe('glossary in the browser', () => {
  let dir, server, browser;
  before(async () => {
    dir = await makeCourse(FILES);
    await buildOrThrow(dir);
    server = await serve(`${dir}/site`, { prefix: '/gl/' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (dir) await removeDir(dir);
  });

  test('longest match first, one link per term, nothing in code or headings', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
    const { page, problems } = await openPage(context, `${server.url}lesson.html`);
    const prose = await page.$$eval('main p a[data-term]', (as) => as.map((a) => [a.dataset.term, a.textContent]));
    assert.deepEqual(prose, [['language-model', 'language model'], ['model', 'model']]);
    assert.equal(await page.locator('main code a, main h2 a[data-term]').count(), 0);
    assert.equal(formatProblems(problems), '');
    await context.close();
  });

  test('definition shows on hover and on focus without JavaScript and without layout shift', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
    const { page } = await openPage(context, `${server.url}lesson.html`);
    const link = page.locator('main p a[data-term="model"]').first();
    const tip = page.locator('#' + (await link.getAttribute('aria-describedby')));
    assert.equal(await tip.isVisible(), false, 'hidden until asked for');
    const before = await page.locator('main p').first().boundingBox();
    await link.hover();
    await tip.waitFor({ state: 'visible', timeout: 2000 });
    assert.match(await tip.textContent(), /adjustable/);
    const during = await page.locator('main p').first().boundingBox();
    assert.deepEqual(during, before, 'showing the definition must not move the paragraph');
    await page.mouse.move(0, 0);
    await tip.waitFor({ state: 'hidden', timeout: 2000 });
    await link.focus();
    await tip.waitFor({ state: 'visible', timeout: 2000 });
    await context.close();
  });

  test('glossary page: anchors, see also, used in, and no axe violations', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const { page } = await openPage(context, `${server.url}glossary.html`);
    assert.equal(await page.locator('#term-model').count(), 1);
    assert.equal(await page.locator('#term-language-model .see-also, #term-language-model + dd .see-also a[href="#term-model"]').count(), 1);
    assert.equal(await page.locator('dd .used-in a[href="lesson.html"]').count(), 2, 'both terms are used by the lesson');
    const terms = await page.$$eval('dl.glossary dt', (dts) => dts.map((d) => d.id));
    assert.deepEqual(terms, ['term-language-model', 'term-model'], 'alphabetical');
    const violations = await runAxe(page);
    assert.deepEqual(violations, [], formatViolations(violations, 'glossary.html'));
    const lesson = await openPage(context, `${server.url}lesson.html`);
    const v2 = await runAxe(lesson.page);
    assert.deepEqual(v2, [], formatViolations(v2, 'lesson.html'));
    await context.close();
  });
});
