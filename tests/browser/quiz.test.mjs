// Quizzes in a real browser: the theme's quiz.js against the markup the build emits, graded by the
// WebAssembly grader the build ships next to it.
//
// One fixture course (served under /sub/path/, as a GitHub Pages project site is) with a quiz file
// holding one question of every type, and a page with two inline ```quiz blocks. Each test opens
// pages in its own browser context (its own localStorage), and every page must load with no
// console error and no request leaving the server.

import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { CONTRAST_ONLY, formatViolations, runAxe } from './lib/axe.mjs';
import { DESKTOP, formatProblems, launchBrowser, openPage } from './lib/browser.mjs';
import { buildOrThrow, makeCourse, removeDir, tempDir } from './lib/coursebook.mjs';
import { serve } from './lib/server.mjs';
import { expectNoAxeViolations, expectNoProblems, expectWasmBesideGlue, waitInPage } from './lib/expect.mjs';

const PREFIX = '/sub/path/';
const QUIZ_FILE = 'content/01-lesson.quiz.yaml';

// The quiz file. Order items are listed in their correct order; learners see them shuffled.
const QUIZ_YAML = `
  title: Check yourself
  pass: 75%
  questions:
    - id: knobs
      type: single
      prompt: In \`price = w × size + b\`, which numbers are the model's parameters?
      choices:
        - text: "\`price\` and \`size\`"
          feedback: Those are the output and the input.
        - text: "\`w\` and \`b\`"
          correct: true
          feedback: Right — training chooses them.
        - text: Only \`size\`
      explanation: Parameters are the knobs that training sets.
      hint: Which numbers does training change?
    - id: which-parameters
      type: multiple
      prompt: Which of these are parameters?
      choices:
        - text: the weight \`w\`
          correct: true
        - text: the input \`size\`
          feedback: The input comes from the house, not from training.
        - text: the bias \`b\`
          correct: true
        - text: the output \`price\`
    - id: training-changes-params
      type: true-false
      prompt: Inference changes the model's parameters.
      answer: false
      explanation: Only training changes them.
    - id: predict-1500
      type: numeric
      prompt: With w = 200 and b = 50,000, what does the model predict for 1,500 sq ft?
      answer: 350000
      tolerance: 1%
    - id: inference-name
      type: text
      prompt: What is running a frozen model on new inputs called?
      answers: [inference, prediction]
    - id: loop-order
      type: order
      prompt: Put the training loop in order.
      items: [Start with random knob values, Run examples through the model, Measure the loss, Nudge every knob]
      explanation: Then repeat.
`;

const COURSE = {
  'book.toml': `
    [book]
    title = "Quiz fixture"

    [output.html]
    site-url = "${PREFIX}"
  `,
  'content/01-lesson.md': `
    ---
    title: A lesson with a quiz
    ---

    A model has parameters, and training sets them.
  `,
  [QUIZ_FILE]: QUIZ_YAML,
  'content/02-inline.md': `
    ---
    title: Two inline quizzes
    ---

    Quizzes can sit inside a lesson.

    \`\`\`quiz
    title: First inline quiz
    questions:
      - id: frozen
        type: true-false
        prompt: Inference changes the parameters.
        answer: false
    \`\`\`

    And there can be more than one.

    \`\`\`quiz
    title: Second inline quiz
    questions:
      - id: frozen
        type: text
        prompt: What is running a frozen model called?
        answers: [inference]
    \`\`\`
  `,
};

// The right response per question of the quiz file (the text one uses its second accepted answer,
// with spaces and capitals; the numeric one is inside the 1% tolerance, not the exact answer,
// and written as the lesson prints prices: currency sign and group separators).
const RIGHT = {
  knobs: ['1'],
  'which-parameters': ['0', '2'],
  'training-changes-params': ['false'],
  'predict-1500': '$351,000',
  'inference-name': '  Prediction ',
  'loop-order': ['0', '1', '2', '3'],
};
const ALL_IDS = Object.keys(RIGHT);

const LESSON_QUIZ = 'form[data-quiz]:has([data-question="knobs"])';


/** Each question's result state, { id: 'correct' | 'incorrect' | 'unanswered' }. */
function states(page, quiz = LESSON_QUIZ) {
  return page.locator(quiz).evaluate((form) =>
    Object.fromEntries([...form.querySelectorAll('[data-question]')].map((q) => [q.dataset.question, q.querySelector('[data-result]')?.dataset.state])),
  );
}

/** Wait until every listed question's state is as expected, then assert it. */
async function expectStates(page, expected, quiz = LESSON_QUIZ) {
  await page
    .waitForFunction(
      ([sel, exp]) => {
        const form = document.querySelector(sel);
        return Object.entries(exp).every(([id, state]) => form?.querySelector(`[data-question="${id}"] [data-result]`)?.dataset.state === state);
      },
      [quiz, expected],
      { timeout: 5_000, polling: 50 },
    )
    .catch(() => {});
  const actual = await states(page, quiz);
  assert.deepEqual(Object.fromEntries(Object.keys(expected).map((id) => [id, actual[id]])), expected);
}

function question(page, id) {
  return page.locator(`${LESSON_QUIZ} [data-question="${id}"]`);
}

function resultText(page, id) {
  return question(page, id).locator('[data-result]').innerText();
}

function scoreText(page, quiz = LESSON_QUIZ) {
  return page.locator(`${quiz} [data-score]`).innerText();
}

/** What each question of the lesson quiz shows as the learner's answer. */
function answersShown(page) {
  return page.locator(LESSON_QUIZ).evaluate((form) =>
    Object.fromEntries(
      [...form.querySelectorAll('[data-question]')].map((q) => {
        const type = q.dataset.type;
        if (type === 'order') return [q.dataset.question, [...q.querySelectorAll('.order-list > li')].map((li) => li.dataset.item)];
        if (type === 'numeric' || type === 'text') return [q.dataset.question, q.querySelector('input[type=text]').value];
        return [q.dataset.question, [...q.querySelectorAll('input:checked')].map((i) => i.value)];
      }),
    ),
  );
}

/** The current order of an order question's items (their data-item values). */
function orderOf(page, id) {
  return question(page, id).locator('.order-list > li').evaluateAll((lis) => lis.map((li) => li.dataset.item));
}

/** Sort an order question into `target` with mouse clicks on its move-up buttons. */
async function clickIntoOrder(page, id, target) {
  for (let pos = 0; pos < target.length; pos++) {
    for (let guard = 0; guard < target.length; guard++) {
      const current = await orderOf(page, id);
      if (current.indexOf(target[pos]) <= pos) break;
      await question(page, id).locator(`li[data-item="${target[pos]}"] button[data-move="up"]`).click();
    }
  }
  assert.deepEqual(await orderOf(page, id), target);
}

/** Answer the lesson quiz with the mouse: `answers` maps question ids to responses as in RIGHT. */
async function answerWithMouse(page, answers) {
  for (const [id, answer] of Object.entries(answers)) {
    const q = question(page, id);
    const type = await q.getAttribute('data-type');
    if (type === 'order') {
      await clickIntoOrder(page, id, answer);
    } else if (type === 'numeric' || type === 'text') {
      await q.locator('input[type=text]').fill(answer);
    } else {
      for (const input of await q.locator('input').all()) {
        const want = answer.includes(await input.getAttribute('value'));
        if (want !== (await input.isChecked())) await q.locator(`label[for="${await input.getAttribute('id')}"]`).click();
      }
    }
  }
}

async function check(page, quiz = LESSON_QUIZ) {
  await page.locator(`${quiz} button[type=submit]`).click();
}

async function localEntries(page) {
  return page.evaluate(() => {
    try {
      return Object.fromEntries(Object.entries(window.localStorage));
    } catch {
      return null;
    }
  });
}



describe('quizzes in the browser', () => {
  const s = {};

  before(
    async () => {
      s.course = await makeCourse(COURSE);
      s.dest = await tempDir('coursebook-quiz-site-');
      await buildOrThrow(s.course, { dest: s.dest });
      s.server = await serve(s.dest, { prefix: PREFIX });
      s.browser = await launchBrowser();
      // Find the two pages by their quizzes, not by guessing URLs.
      // print.html holds every page's quizzes and widgets too: find the pages themselves.
      const pages = (await readdir(s.dest, { recursive: true })).filter((f) => f.endsWith('.html') && f !== 'print.html');
      for (const rel of pages) {
        const html = await readFile(path.join(s.dest, rel), 'utf8');
        const url = s.server.url + rel.split(path.sep).join('/');
        if (html.includes('data-question="knobs"')) s.lessonUrl = url;
        if (html.includes('First inline quiz')) s.inlineUrl = url;
      }
      assert.ok(s.lessonUrl, `no built page has the quiz file's questions (pages: ${pages.join(', ')})`);
      assert.ok(s.inlineUrl, `no built page has the inline quizzes (pages: ${pages.join(', ')})`);
    },
    { timeout: 120_000 },
  );

  after(async () => {
    await s.browser?.close();
    await s.server?.close();
    if (s.dest) await removeDir(s.dest);
    if (s.course) await removeDir(s.course);
  });

  /** A fresh context (empty storage) and the lesson page in it; closed by the caller's `t`. */
  async function lesson(t, { url = s.lessonUrl, init } = {}) {
    const context = await s.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    if (init) await context.addInitScript(init);
    const opened = await openPage(context, url);
    // quiz.js hides the no-JS notice (with the hidden attribute) when it has set the quiz up,
    // and marks the quiz data-ready once the grader has loaded and saved results are shown.
    await waitInPage(opened.page, () => [...document.querySelectorAll('form[data-quiz] .no-js')].every((n) => n.hidden), null, 'quiz.js to start');
    await quizReady(opened.page);
    return { context, ...opened };
  }

  /** Wait for every quiz of the page to be data-ready (a reload mid-load aborts the wasm). */
  async function quizReady(page) {
    await waitInPage(page, () => {
      const forms = [...document.querySelectorAll('form[data-quiz]')];
      return forms.length > 0 && forms.every((f) => f.hasAttribute('data-ready'));
    }, null, 'the grader to load');
  }

  test('the build emits the quiz markup the theme relies on', { timeout: 30_000 }, async () => {
    const html = await readFile(path.join(s.dest, new URL(s.lessonUrl).pathname.slice(PREFIX.length)), 'utf8');
    const types = [...html.matchAll(/data-type="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(types, ['single', 'multiple', 'true-false', 'numeric', 'text', 'order']);
    for (const attr of ['data-salt', 'data-store', 'data-pass', 'data-answer', 'data-fingerprint', 'data-result', 'data-score', 'data-retry', 'data-reset']) {
      assert.ok(html.includes(attr), `the lesson page has no ${attr}`);
    }
    // Answers and feedback are concealed in the quiz's markup (the page's interface strings
    // may use the same words: "The prediction is too large to show.").
    const quizzes = [...html.matchAll(/<form class="quiz"[\s\S]*?<\/form>/g)].map((m) => m[0]).join('\n');
    assert.ok(quizzes.includes('data-question='), 'no quiz markup found');
    for (const secret of ['Right — training chooses them', 'knobs that training sets', 'prediction']) {
      assert.ok(!quizzes.includes(secret), `"${secret}" is readable in the page source`);
    }
    // The glue and the wasm are served next to quiz.js.
    for (const file of ['quiz.js', 'quiz_wasm.js', 'quiz_wasm_bg.wasm']) {
      const res = await fetch(`${s.server.url}theme/js/${file}`);
      assert.equal(res.status, 200, `theme/js/${file} answered ${res.status}`);
    }
  });

  test('the grader\'s .wasm is asked for beside its glue, not after it', { timeout: 60_000 }, async (t) => {
    const context = await s.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const page = await expectWasmBesideGlue(context, /quiz_wasm\.js/, /quiz_wasm_bg\.wasm/, async () => (await openPage(context, s.lessonUrl)).page);
    await quizReady(page);
  });

  test('every question type answered correctly grades as correct, and the score says so', { timeout: 60_000 }, async (t) => {
    const { page, problems } = await lesson(t);
    await expectNoAxeViolations(page, 'the quiz page before checking');
    await answerWithMouse(page, RIGHT);
    await check(page);
    await expectStates(page, Object.fromEntries(ALL_IDS.map((id) => [id, 'correct'])));
    for (const id of ALL_IDS) assert.match(await resultText(page, id), /✓ Correct/, `${id}: the verdict is not in words`);
    // The picked choice's feedback, the explanation and the answer show once correct.
    const knobs = await resultText(page, 'knobs');
    assert.match(knobs, /Right — training chooses them/);
    assert.match(knobs, /knobs that training sets/);
    assert.match(await scoreText(page), /Score: 6 of 6 \(100%\)\. Passed\./);
    assert.ok(await page.locator(`${LESSON_QUIZ} [data-retry]`).isHidden(), 'the retry button shows with nothing wrong');
    await expectNoAxeViolations(page, 'the quiz page after checking');
    expectNoProblems(problems);
  });

  test('wrong answers: incorrect states, partial credit, unreadable input, and retrying the wrong ones', { timeout: 60_000 }, async (t) => {
    const { page, problems } = await lesson(t);
    await answerWithMouse(page, {
      knobs: ['0'], // wrong, with feedback
      'which-parameters': ['0'], // half right
      'training-changes-params': ['false'], // right
      'predict-1500': '350 000', // not how English writes a number
      // inference-name left empty; loop-order left as shuffled (never the right order)
    });
    await check(page);
    await expectStates(page, {
      knobs: 'incorrect',
      'which-parameters': 'incorrect',
      'training-changes-params': 'correct',
      'predict-1500': 'unanswered',
      'inference-name': 'unanswered',
      'loop-order': 'incorrect',
    });
    const knobs = await resultText(page, 'knobs');
    assert.match(knobs, /✗ Not quite/);
    assert.match(knobs, /Those are the output and the input/);
    assert.doesNotMatch(knobs, /w and b/, 'the correct answer shows before the learner asks for it');
    // Feedback that teaches: the hint opens; the explanation waits for a right answer or "Show answer".
    assert.doesNotMatch(knobs, /knobs that training sets/, 'the explanation shows after a wrong answer');
    assert.ok(await question(page, 'knobs').locator('details.hint').evaluate((d) => d.open), 'the hint stays closed after a wrong answer');
    // The verdict describes the question's inputs, for screen readers.
    const described = await question(page, 'knobs').locator('input').first().getAttribute('aria-describedby');
    assert.equal(await page.locator(`[id="${described}"]`).getAttribute('data-result'), '');
    // The score names the questions to look at again.
    assert.match(await scoreText(page), /Not right yet: questions 1, 2, 6\./);
    assert.match(await resultText(page, 'which-parameters'), /Partly right \(50%\)/);
    assert.match(await resultText(page, 'predict-1500'), /not a number/);
    assert.match(await resultText(page, 'inference-name'), /Not answered yet\./);
    assert.match(await scoreText(page), /Not passed yet — the pass mark is 75%/);
    await expectNoAxeViolations(page, 'the quiz page with wrong answers');
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = formatViolations(await runAxe(page, CONTRAST_ONLY), 'the results in the dark colour scheme');
    await page.emulateMedia({ colorScheme: 'light' });
    if (dark) assert.fail(dark);

    // "Show answer" reveals the answer and the explanation inside the result.
    await question(page, 'knobs').getByRole('button', { name: 'Show answer' }).click();
    assert.match(await resultText(page, 'knobs'), /w and b/);
    assert.match(await resultText(page, 'knobs'), /knobs that training sets/);

    // Retry clears the incorrect questions only, and focuses the first of them.
    const retry = page.locator(`${LESSON_QUIZ} [data-retry]`);
    assert.ok(await retry.isVisible(), 'no retry button with wrong answers');
    const orderBefore = await orderOf(page, 'loop-order');
    await retry.click();
    await expectStates(page, { knobs: 'unanswered', 'which-parameters': 'unanswered', 'training-changes-params': 'correct', 'loop-order': 'unanswered' });
    const shown = await answersShown(page);
    assert.deepEqual(shown.knobs, []);
    assert.deepEqual(shown['which-parameters'], []);
    assert.deepEqual(shown['training-changes-params'], ['false'], 'retry cleared a correct answer');
    assert.equal(shown['predict-1500'], '350 000', 'retry cleared an answer that was not incorrect');
    assert.deepEqual(await orderOf(page, 'loop-order'), orderBefore, 'retry did not put the order question back as built');
    assert.equal(await resultText(page, 'knobs'), '');
    assert.ok(await retry.isHidden());
    assert.equal(await page.evaluate(() => document.activeElement?.closest('[data-question]')?.dataset.question), 'knobs', 'focus is not in the first wrong question');
    expectNoProblems(problems);
  });

  test('answers and results survive a reload; editing one question resets only that one', { timeout: 120_000 }, async (t) => {
    const { page, problems } = await lesson(t);
    const answers = { ...RIGHT, knobs: ['2'], 'inference-name': 'inference' };
    await answerWithMouse(page, answers);
    await check(page);
    const expected = { ...Object.fromEntries(ALL_IDS.map((id) => [id, 'correct'])), knobs: 'incorrect' };
    await expectStates(page, expected);
    const before = await answersShown(page);
    const score = await scoreText(page);

    await page.reload();

    await quizReady(page);
    await expectStates(page, expected);
    assert.deepEqual(await answersShown(page), before, 'answers after a reload');
    assert.match(await resultText(page, 'knobs'), /✗ Not quite/);
    assert.equal(await scoreText(page), score, 'the score after a reload');
    assert.ok(await page.locator(`${LESSON_QUIZ} [data-retry]`).isVisible(), 'the retry button after a reload');

    // The author rewords one prompt and rebuilds the site in place.
    const file = path.join(s.course, QUIZ_FILE);
    const yaml = await readFile(file, 'utf8');
    const edited = yaml.replace('What is running a frozen model on new inputs called?', 'What do we call running a trained model on new inputs?');
    assert.notEqual(edited, yaml);
    await writeFile(file, edited);
    try {
      await buildOrThrow(s.course, { dest: s.dest });
      await page.reload();
      await quizReady(page);
      await waitInPage(page, () => document.body.textContent.includes('What do we call running a trained model'), null, 'the rebuilt page');
      await expectStates(page, { ...expected, 'inference-name': 'unanswered' });
      const after = await answersShown(page);
      assert.equal(after['inference-name'], '', 'the edited question kept its old answer');
      assert.deepEqual({ ...after, 'inference-name': before['inference-name'] }, before, 'unedited questions lost their answers');
      const entries = await localEntries(page);
      const stale = Object.entries(entries).filter(([k, v]) => k.endsWith(':inference-name') && v.includes('"inference"'));
      assert.deepEqual(stale, [], 'the edited question\'s old answer is still in storage');
    } finally {
      await writeFile(file, yaml);
      await buildOrThrow(s.course, { dest: s.dest });
    }

    // Reset asks first, as "Forget my progress" does: Cancel and Escape keep every answer.
    await page.reload();
    await quizReady(page);
    const kept = await answersShown(page);
    const reset = page.locator(`${LESSON_QUIZ} [data-reset]`);
    const confirmBox = page.locator(`${LESSON_QUIZ} [data-reset-confirm]`);
    assert.equal(await confirmBox.isVisible(), false, 'the question is shown before it is asked');
    await reset.click();
    assert.ok(await confirmBox.isVisible(), 'reset did not ask first');
    assert.equal(await reset.getAttribute('aria-expanded'), 'true');
    assert.ok(await confirmBox.locator('[data-reset-no]').evaluate((b) => b === document.activeElement), 'the focus is not on Cancel');
    await confirmBox.locator('[data-reset-no]').click();
    assert.equal(await confirmBox.isVisible(), false);
    assert.ok(await reset.evaluate((b) => b === document.activeElement), 'Cancel did not give the focus back');
    await reset.click();
    await page.keyboard.press('Escape');
    assert.equal(await confirmBox.isVisible(), false, 'Escape left the question open');
    assert.deepEqual(await answersShown(page), kept, 'Cancel or Escape cleared answers');
    // Yes clears everything, including what is saved, and says so.
    await reset.click();
    await confirmBox.locator('[data-reset-yes]').click();
    assert.equal(await confirmBox.isVisible(), false);
    const cleared = await answersShown(page);
    for (const id of ALL_IDS.filter((i) => i !== 'loop-order')) assert.equal(String(cleared[id]), '', `${id} not cleared by reset`);
    await expectStates(page, Object.fromEntries(ALL_IDS.map((id) => [id, 'unanswered'])));
    assert.equal(await scoreText(page), 'Your answers to this quiz have been cleared.');
    await expectNoAxeViolations(page, 'a quiz just reset');
    const store = await page.locator(LESSON_QUIZ).getAttribute('data-store');
    assert.deepEqual(Object.keys(await localEntries(page)).filter((k) => k.startsWith(`${store}:`)), [], 'reset left saved answers');
    await page.reload();
    await quizReady(page);
    await expectStates(page, Object.fromEntries(ALL_IDS.map((id) => [id, 'unanswered'])));
    expectNoProblems(problems);
  });

  test('the whole quiz can be done with the keyboard alone', { timeout: 90_000 }, async (t) => {
    const { page, problems } = await lesson(t);
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        const q = el?.closest('[data-question]');
        return { question: q?.dataset.question ?? null, tag: el?.tagName.toLowerCase(), value: el?.value ?? null, move: el?.dataset?.move ?? null, item: el?.closest('li')?.dataset.item ?? null };
      });
    /** Tab (or Shift+Tab) until the focused element matches `selector`; fail after 80 presses. */
    async function tabTo(selector) {
      for (let i = 0; i < 80; i++) {
        const where = await page.evaluate((sel) => {
          const target = document.querySelector(sel);
          if (!target) return 'missing';
          if (document.activeElement === target) return 'here';
          const pos = document.activeElement && document.activeElement !== document.body ? document.activeElement.compareDocumentPosition(target) : Node.DOCUMENT_POSITION_FOLLOWING;
          return pos & Node.DOCUMENT_POSITION_FOLLOWING ? 'after' : 'before';
        }, selector);
        if (where === 'here') return;
        assert.notEqual(where, 'missing', `no ${selector}`);
        await page.keyboard.press(where === 'after' ? 'Tab' : 'Shift+Tab');
      }
      assert.fail(`Tab never reached ${selector}`);
    }
    const q = (id, rest = '') => `${LESSON_QUIZ} [data-question="${id}"] ${rest}`;

    // single: Tab into the radio group, arrow to the second choice.
    await tabTo(q('knobs', 'input[value="0"]'));
    await page.keyboard.press('ArrowDown');
    // multiple: Space toggles the checkboxes.
    await tabTo(q('which-parameters', 'input[value="0"]'));
    await page.keyboard.press('Space');
    await tabTo(q('which-parameters', 'input[value="2"]'));
    await page.keyboard.press('Space');
    // true-false: into the group, arrow to False.
    await tabTo(q('training-changes-params', 'input[value="true"]'));
    await page.keyboard.press('ArrowDown');
    // numeric and text: type.
    await tabTo(q('predict-1500', 'input[type=text]'));
    await page.keyboard.type('350000');
    await tabTo(q('inference-name', 'input[type=text]'));
    await page.keyboard.type('inference');
    // order: move each item up into place with its button; focus stays on the moved button.
    for (let pos = 0; pos < 4; pos++) {
      const item = String(pos);
      let current = await orderOf(page, 'loop-order');
      if (current.indexOf(item) === pos) continue;
      await tabTo(q('loop-order', `li[data-item="${item}"] button[data-move="up"]`));
      for (let guard = 0; guard < 4 && current.indexOf(item) > pos; guard++) {
        await page.keyboard.press(guard % 2 ? 'Space' : 'Enter');
        current = await orderOf(page, 'loop-order');
        assert.deepEqual(await focused(), { question: 'loop-order', tag: 'button', value: '', move: 'up', item }, 'focus left the moved button');
      }
      // The move is announced and the buttons' names say where the item is now.
      await waitInPage(
        page,
        ([sel, n]) => [...document.querySelector(sel).querySelectorAll('[aria-live]')].some((r) => r.textContent.includes(`position ${n}`)),
        [q('loop-order').trim(), pos + 1],
        'the move to be announced',
      );
      const label = await page.locator(q('loop-order', `li[data-item="${item}"] button[data-move="up"]`)).getAttribute('aria-label');
      assert.match(label, new RegExp(`${pos + 1} of 4`), `the move button's name does not give the position: ${label}`);
    }
    assert.deepEqual(await orderOf(page, 'loop-order'), ['0', '1', '2', '3']);

    // Enter in a text field checks the answers.
    await tabTo(q('inference-name', 'input[type=text]'));
    await page.keyboard.press('Enter');
    await expectStates(page, Object.fromEntries(ALL_IDS.map((id) => [id, 'correct'])));
    assert.match(await scoreText(page), /6 of 6/);
    assert.equal((await focused()).question, 'inference-name', 'checking moved the focus');

    // And "Reset saved answers" is reachable and works from the keyboard: Enter asks, the focus
    // is on Cancel, and Yes is just before it.
    await tabTo(`${LESSON_QUIZ} button[data-reset]`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await expectStates(page, Object.fromEntries(ALL_IDS.map((id) => [id, 'unanswered'])));
    expectNoProblems(problems);
  });

  test('blocked storage still grades, with no errors', { timeout: 60_000 }, async (t) => {
    const blocked = () => {
      Object.defineProperty(window, 'localStorage', {
        configurable: true,
        get() {
          throw new DOMException('The operation is insecure.', 'SecurityError');
        },
      });
    };
    const { page, problems } = await lesson(t, { init: blocked });
    assert.equal(await page.evaluate(() => { try { return typeof window.localStorage; } catch (e) { return e.name; } }), 'SecurityError', 'the init script did not block storage');
    assert.match(await page.locator(`${LESSON_QUIZ} .saved-notice`).innerText(), /not saved/, 'the page claims to save answers it cannot save');
    await answerWithMouse(page, RIGHT);
    await check(page);
    await expectStates(page, Object.fromEntries(ALL_IDS.map((id) => [id, 'correct'])));
    await page.locator(`${LESSON_QUIZ} [data-reset]`).click();
    await page.locator(`${LESSON_QUIZ} [data-reset-yes]`).click();
    await expectStates(page, Object.fromEntries(ALL_IDS.map((id) => [id, 'unanswered'])));
    expectNoProblems(problems);
  });

  test('full storage still grades, with no errors', { timeout: 60_000 }, async (t) => {
    const full = () => {
      Storage.prototype.setItem = function setItem() {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    };
    const { page, problems } = await lesson(t, { init: full });
    await answerWithMouse(page, RIGHT);
    await check(page);
    await expectStates(page, Object.fromEntries(ALL_IDS.map((id) => [id, 'correct'])));
    expectNoProblems(problems);
  });

  test('corrupted saved answers are ignored and removed', { timeout: 60_000 }, async (t) => {
    const { page, problems } = await lesson(t);
    const store = await page.locator(LESSON_QUIZ).getAttribute('data-store');
    const fp = await question(page, 'knobs').getAttribute('data-fingerprint');
    await page.evaluate(
      ([prefix, fingerprint]) => {
        localStorage.setItem(`${prefix}:knobs`, '{"fp": "' + fingerprint + '", "response": ');
        localStorage.setItem(`${prefix}:which-parameters`, '"just a string"');
        localStorage.setItem(`${prefix}:training-changes-params`, 'null');
        localStorage.setItem(`${prefix}:predict-1500`, JSON.stringify({ fp: 'not-this-one', response: '350000', state: 'correct', score: 1 }));
        localStorage.setItem(`${prefix}:loop-order`, JSON.stringify({ fp: document.querySelector('[data-question="loop-order"]').dataset.fingerprint, response: '0,0,9', state: 'correct', score: 1 }));
        localStorage.setItem(`${prefix}:no-such-question`, JSON.stringify({ fp: 'x', response: '1', state: 'correct', score: 1 }));
      },
      [store, fp],
    );
    await page.reload();
    await quizReady(page);
    await waitInPage(page, () => document.querySelector('form[data-quiz] .no-js')?.hidden, null, 'quiz.js to start');
    await expectStates(page, Object.fromEntries(ALL_IDS.map((id) => [id, 'unanswered'])));
    const leftovers = Object.keys(await localEntries(page)).filter((k) => k.startsWith(`${store}:`));
    assert.deepEqual(leftovers, [], 'corrupted or stale entries were not removed');
    await answerWithMouse(page, RIGHT);
    await check(page);
    await expectStates(page, Object.fromEntries(ALL_IDS.map((id) => [id, 'correct'])));
    expectNoProblems(problems);
  });

  test('two inline quizzes on one page work independently', { timeout: 60_000 }, async (t) => {
    const { page, problems } = await lesson(t, { url: s.inlineUrl });
    const forms = page.locator('form[data-quiz]');
    assert.equal(await forms.count(), 2);
    const [one, two] = await forms.evaluateAll((fs) => fs.map((f) => `form[data-quiz="${f.dataset.quiz}"]`));
    assert.notEqual(one, two, 'the two quizzes have the same id');
    await page.locator(`${one} input[value="false"]`).check();
    await page.locator(`${one} button[type=submit]`).click();
    await expectStates(page, { frozen: 'correct' }, one);
    await expectStates(page, { frozen: 'unanswered' }, two);
    assert.equal(await scoreText(page, two), '', 'checking one quiz scored the other');
    await page.locator(`${two} input[type=text]`).fill('training');
    await page.locator(`${two} button[type=submit]`).click();
    await expectStates(page, { frozen: 'incorrect' }, two);
    await expectStates(page, { frozen: 'correct' }, one);
    await page.reload();
    await quizReady(page);
    await expectStates(page, { frozen: 'correct' }, one);
    await expectStates(page, { frozen: 'incorrect' }, two);
    await expectNoAxeViolations(page, 'the page with two quizzes');
    expectNoProblems(problems);
  });

  test('without the grader the page stays readable and says why answers cannot be checked', { timeout: 60_000 }, async (t) => {
    const context = await s.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    await context.route(/\/quiz_wasm_bg\.wasm(\?.*)?$/, (route) => route.fulfill({ status: 404, body: 'gone' }));
    const { page, problems } = await openPage(context, s.lessonUrl, { allowStatus: (url, status) => status === 404 && /\/quiz_wasm_bg\.wasm(\?.*)?$/.test(url) });
    await waitInPage(page, () => /not available/.test(document.querySelector('form[data-quiz] [data-score]')?.textContent ?? ''), null, 'the unavailable message');
    assert.ok(await question(page, 'knobs').locator('legend').isVisible());
    await check(page);
    await expectStates(page, Object.fromEntries(ALL_IDS.map((id) => [id, 'unanswered'])));
    expectNoProblems(problems);
  });

  test('without JavaScript the questions are readable and the page says checking needs it', { timeout: 30_000 }, async (t) => {
    const context = await s.browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
    t.after(() => context.close());
    const page = await context.newPage();
    await page.goto(s.lessonUrl);
    assert.ok(await page.locator(`${LESSON_QUIZ} .no-js`).isVisible(), 'the no-JavaScript notice is hidden without JavaScript');
    assert.ok(await question(page, 'loop-order').locator('li').first().isVisible());
    // An order question is a list to read: no move button that would do nothing.
    assert.equal(await question(page, 'loop-order').locator('button[data-move]').first().isVisible(), false);
  });
});

