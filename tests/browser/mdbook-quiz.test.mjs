// An mdBook book's mdbook-quiz quiz (issue #15, point 8), in Chromium: `{{#quiz file.toml}}`
// with a question of each type, answered (one wrongly), reloaded, retried, and right.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { DESKTOP, PHONE, openPage } from './lib/browser.mjs';
import { expectNoAxeViolations, expectNoProblems, waitInPage } from './lib/expect.mjs';
import { servedCourse } from './lib/served.mjs';

const PREFIX = '/rust-book/';

const FILES = {
  'book.toml': `
    [book]
    title = "A book with quizzes"

    [output.html]
    site-url = "${PREFIX}"

    [preprocessor.quiz]
  `,
  'src/SUMMARY.md': `
    - [Variables](variables.md)
    - [Programs](programs.md)
    - [Tracing](tracing.md)
  `,
  'src/variables.md': `
    # Variables

    And now, a _quiz_:

    {{#quiz ../quizzes/variables.toml}}
  `,
  'src/programs.md': `
    # Programs

    {{#quiz ../quizzes/programs.toml}}
  `,
  'src/tracing.md': `
    # Tracing

    {{#quiz ../quizzes/tracing.toml}}
  `,
  // Choices that are whole programs, as the Rust Book's quizzes have.
  'quizzes/programs.toml': [
    '[[questions]]',
    'type = "MultipleChoice"',
    'prompt.prompt = "Which program prints a line too long for a phone?"',
    'answer.answer = """',
    '```rust',
    'fn main() { println!("{}", "the right one, with a line long enough to wrap on a phone screen"); }',
    '```',
    '"""',
    'prompt.distractors = [',
    '"""',
    '```rust',
    'fn main() {',
    '    let s = String::new();',
    '}',
    '```',
    '""",',
    '"None of these",',
    ']',
    'prompt.answerIndex = 0',
    '',
  ].join('\n'),
  // mdbook-quiz's Tracing, as the Rust Book writes it (audit of 2026-12-05: 36 of its programs
  // that do not compile were two questions, the second asking for a line mdbook-quiz never
  // asks; 13 outputs were graded ignoring case and line breaks).
  'quizzes/tracing.toml': [
    '[[questions]]',
    'type = "Tracing"',
    'prompt.program = """',
    'fn main() {',
    '    println!("A");',
    '    println!("B");',
    '}',
    '"""',
    'answer.doesCompile = true',
    'answer.stdout = "A\\nB"',
    '',
    '[[questions]]',
    'type = "Tracing"',
    'prompt.program = """',
    'fn main() {',
    '    let s = String::from("hi");',
    '    let t = s;',
    '    println!("{s}");',
    '}',
    '"""',
    'answer.doesCompile = false',
    'answer.lineNumber = 4',
    '',
    '[[questions]]',
    'type = "MultipleChoice"',
    'prompt.prompt = "Which are even?"',
    'prompt.distractors = ["3"]',
    'answer.answer = ["2", "4"]',
    '',
  ].join('\n'),
  // A question of each type, shared with tests/mdbook.rs.
  'quizzes/variables.toml': readFileSync(new URL('../fixtures/mdbook-quiz.toml', import.meta.url), 'utf8'),
};

const ready = () => document.querySelector('form[data-quiz]')?.dataset.ready !== undefined;
const states = (page) => page.$$eval('[data-question] [data-result]', (rs) => rs.map((r) => r.dataset.state));

describe('an mdbook-quiz quiz', () => {
  let site;

  before(async () => {
    site = await servedCourse(FILES, PREFIX);
  });

  after(async () => {
    await site?.close();
  });

  test('each type answered, one wrongly, reloaded, retried and right', async (t) => {
    const context = await site.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page, problems } = await openPage(context, `${site.server.url}variables.html`);
    await waitInPage(page, ready, null, 'the quiz');
    const q = (id) => page.locator(`[data-question="${id}"]`);
    await q('b230bed3-d6ba-4048-8b06-aa655d837b04').locator('label:has-text("2")').click();
    await q('q2').locator('input').fill('var');
    // One question, as mdbook-quiz asks it: the error's line is not asked (nor graded there).
    await q('q3').locator('label:has-text("It does not compile")').click();
    assert.equal(await q('q3').locator('textarea').count(), 1);
    await page.locator('form[data-quiz] button[type=submit]').click();
    await waitInPage(page, () => /Score/.test(document.querySelector('[data-score]').textContent), null, 'the score');
    assert.deepEqual(await states(page), ['correct', 'incorrect', 'correct']);
    assert.match(await q('b230bed3-d6ba-4048-8b06-aa655d837b04').locator('.explanation').textContent(), /Arithmetic/);
    // A legend holds phrasing content only: the Tracing question's program follows it.
    assert.equal(await page.locator('legend pre, legend p, legend div').count(), 0, 'blocks in a legend');
    assert.ok(await page.locator('fieldset > .q-prompt pre').count() >= 1, 'the program after the legend');
    // Numbered, as mdbook-quiz shows it: each number beside its own line.
    const program = q('q3').locator('pre.numbered');
    const lines = (await program.locator('code').textContent()).trimEnd().split('\n').length;
    assert.equal(await program.locator('.line-numbers').textContent(), Array.from({ length: lines }, (_, i) => i + 1).join('\n'));
    const [numbersBox, codeBox] = [await program.locator('.line-numbers').boundingBox(), await program.locator('code').boundingBox()];
    assert.ok(Math.abs(numbersBox.y - codeBox.y) < 1 && Math.abs(numbersBox.height - codeBox.height) < 2 && numbersBox.x + numbersBox.width <= codeBox.x, 'numbers in a column beside the code, line for line');

    await page.reload();
    await waitInPage(page, ready, null, 'the quiz after a reload');
    assert.deepEqual(await states(page), ['correct', 'incorrect', 'correct'], 'saved across the reload');
    assert.equal(await q('q2').locator('input').inputValue(), 'var');

    await page.locator('[data-retry]').click();
    await q('q2').locator('input').fill('let');
    await page.locator('form[data-quiz] button[type=submit]').click();
    await waitInPage(page, () => document.querySelector('[data-question="q2"] [data-result]').dataset.state === 'correct', null, 'the retried answer');
    assert.deepEqual(await states(page), ['correct', 'correct', 'correct']);
    assert.match(await page.locator('[data-score]').textContent(), /Score: 3 of 3/);
    await expectNoAxeViolations(page, 'an mdbook-quiz quiz');
    expectNoProblems(problems);
  });

  test('a Tracing question: "it does not compile" is the whole answer, an output is compared as mdbook-quiz compares it; several answers score all or nothing', async (t) => {
    const context = await site.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page, problems } = await openPage(context, `${site.server.url}tracing.html`);
    await waitInPage(page, ready, null, 'the quiz');
    const q = (id) => page.locator(`[data-question="${id}"]`);
    // Typing the output picks "It compiles"; case and line breaks count.
    await q('q1').locator('textarea').fill('a b');
    assert.equal(await q('q1').locator('input[value=yes]').isChecked(), true);
    await q('q2').locator('label:has-text("It does not compile")').click();
    // Half the even numbers: no part of a point, as in mdbook-quiz.
    await q('q3').locator('label:has-text("2")').click();
    await page.locator('form[data-quiz] button[type=submit]').click();
    await waitInPage(page, () => /Score/.test(document.querySelector('[data-score]').textContent), null, 'the score');
    assert.deepEqual(await states(page), ['incorrect', 'correct', 'incorrect']);
    assert.match(await page.locator('[data-score]').textContent(), /Score: 1 of 3/);
    await page.locator('[data-retry]').click();
    await q('q1').locator('textarea').fill('A\nB\n');
    for (const n of ['2', '4']) {
      const box = q('q3').locator(`label:has-text("${n}")`);
      if (!(await q('q3').locator(`input[id="${await box.getAttribute('for')}"]`).isChecked())) await box.click();
    }
    await page.locator('form[data-quiz] button[type=submit]').click();
    await waitInPage(page, () => document.querySelector('[data-question="q1"] [data-result]').dataset.state === 'correct', null, 'the retried answer');
    assert.match(await page.locator('[data-score]').textContent(), /Score: 3 of 3/);
    await page.reload();
    await waitInPage(page, ready, null, 'the quiz after a reload');
    assert.deepEqual(await states(page), ['correct', 'correct', 'correct'], 'saved across the reload');
    assert.equal(await q('q1').locator('textarea').inputValue(), 'A\nB\n');
    assert.equal(await q('q2').locator('input[value=no]').isChecked(), true);
    await expectNoAxeViolations(page, 'a Tracing question');
    expectNoProblems(problems);
  });

  test('a choice that is a program is highlighted, clickable, named by its code, and fits a phone', async (t) => {
    const context = await site.browser.newContext({ viewport: PHONE });
    t.after(() => context.close());
    const { page, problems } = await openPage(context, `${site.server.url}programs.html`);
    await waitInPage(page, ready, null, 'the quiz');
    // A label holds phrasing content only: the program is a span of highlighted code.
    assert.equal(await page.locator('label pre, label p, label div').count(), 0, 'blocks in a label');
    const program = page.locator('.choice label .code-lines').first();
    assert.ok(await program.locator('code.language-rust span[class^="hl-"]').count() > 0, 'highlighted');
    assert.equal(await page.locator('link[href*="highlight.css"]').count(), 1, 'the colours of the highlighting are loaded');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), PHONE.width, 'no sideways scrolling');
    const radio = page.getByRole('radio', { name: /the right one/ });
    await program.click();
    assert.ok(await radio.isChecked(), 'clicking the program picks its choice');
    await page.locator('form[data-quiz] button[type=submit]').click();
    await waitInPage(page, () => document.querySelector('[data-question] [data-result]').dataset.state === 'correct', null, 'the right answer');
    await expectNoAxeViolations(page, 'a quiz of programs');
    expectNoProblems(problems);
  });

  test('a shuffled question keeps one learner\'s order, and each learner has their own', async (t) => {
    const orders = [];
    for (let learner = 0; learner < 6; learner++) {
      const context = await site.browser.newContext({ viewport: DESKTOP });
      const { page } = await openPage(context, `${site.server.url}variables.html`);
      await waitInPage(page, ready, null, 'the quiz');
      const order = () => page.$$eval('[data-question="b230bed3-d6ba-4048-8b06-aa655d837b04"] .choice label', (ls) => ls.map((l) => l.textContent).join(' '));
      const first = await order();
      await page.reload();
      await waitInPage(page, ready, null, 'the quiz again');
      assert.equal(await order(), first, 'the same learner sees the same order');
      orders.push(first);
      // Graded by value, whatever the order: the right answer is right.
      await page.locator('[data-question="b230bed3-d6ba-4048-8b06-aa655d837b04"] label:has-text("2")').click();
      await page.locator('form[data-quiz] button[type=submit]').click();
      await waitInPage(page, () => document.querySelector('[data-question="b230bed3-d6ba-4048-8b06-aa655d837b04"] [data-result]').dataset.state === 'correct', null, 'a right answer');
      await context.close();
    }
    assert.ok(new Set(orders).size > 1, `six learners, one order: ${orders[0]}`);
  });
});
