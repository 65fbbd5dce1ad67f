// Highlighted code in a real browser: the real snippets of tests/fixtures/highlight/tokens.md
// (Rust, Python, Bash, JavaScript, JSON, TOML) on one page, served under /hl/. In the light
// theme and the dark one (each as the system's and as the toggle's), every token colour passes axe-core's
// contrast check (WCAG AA), each block shows several colours, and keywords, strings and comments
// differ from the text around them.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { CONTRAST_ONLY, formatViolations, runAxe } from './lib/axe.mjs';
import { DESKTOP, openPage } from './lib/browser.mjs';
import { expectNoAxeViolations, expectNoProblems } from './lib/expect.mjs';
import { servedCourse } from './lib/served.mjs';

const PREFIX = '/hl/';
const TABLE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/highlight/tokens.md');

/** The fenced blocks of the token table, as they are. */
function fences(markdown) {
  return [...markdown.matchAll(/^```(\w+)\n[\s\S]*?^```$/gm)].map((m) => [m[1], m[0]]);
}

describe('highlighted code', () => {
  let s, blocks;
  before(async () => {
    blocks = fences(await readFile(TABLE, 'utf8'));
    assert.deepEqual(blocks.map(([lang]) => lang), ['rust', 'python', 'bash', 'javascript', 'json', 'toml']);
    s = await servedCourse({
      'book.toml': `[book]\ntitle = "Code"\nlanguage = "en"\n[output.html]\nsite-url = "${PREFIX}"\n`,
      'content/01-code.md': `# Code in six languages\n\n${blocks.map(([, fence]) => fence).join('\n\n')}\n`,
      // Hidden lines, shown by the block's button: they were faded below AA contrast.
      'content/02-hidden.md': '# Hidden lines\n\n```rust\n# use std::collections::HashMap;\n# fn main() {\nlet mut m: HashMap<&str, u32> = HashMap::new();\nm.insert("a", 1); // a comment\n# }\n```\n',
    }, PREFIX);
  });
  after(async () => s?.close());

  /** Per block: its language, the distinct colours of its text, and the colour of its plain text. */
  async function colours(page) {
    return page.evaluate(() => [...document.querySelectorAll('pre.code code')].map((code) => {
      const seen = new Set();
      for (const span of code.querySelectorAll('span')) {
        if (span.textContent.trim()) seen.add(getComputedStyle(span).color);
      }
      return { lang: code.className.replace('language-', ''), colours: seen.size, plain: getComputedStyle(code).color };
    }));
  }

  /** The colour of the token `text` (its first span) in block `index`. */
  async function tokenColour(page, index, text) {
    return page.evaluate(([i, t]) => {
      const code = document.querySelectorAll('pre.code code')[i];
      // The innermost span holding exactly the token (a string's quotes are spans of their own).
      const span = [...code.querySelectorAll('span')].filter((el) => el.textContent === t).pop();
      return span ? getComputedStyle(span).color : null;
    }, [index, text]);
  }

  // The system's scheme, and the theme the learner chose with the toggle (saved), if any.
  const MODES = {
    light: ['light', null],
    dark: ['dark', null],
    'dark by the toggle': ['light', 'dark'],
    'light by the toggle': ['dark', 'light'],
  };
  for (const [mode, [colorScheme, chosen]] of Object.entries(MODES)) {
    test(`${mode}: every block coloured, every token readable (axe)`, async () => {
      const context = await s.browser.newContext({ viewport: DESKTOP, colorScheme });
      if (chosen) {
        await context.addInitScript((theme) => window.localStorage.setItem('coursebook:theme', theme), chosen);
      }
      const { page, problems } = await openPage(context, `${s.server.origin}${PREFIX}code.html`);
      const found = await colours(page);
      assert.deepEqual(found.map((b) => b.lang), blocks.map(([lang]) => lang));
      for (const block of found) {
        assert.ok(block.colours >= 3, `${block.lang}: only ${block.colours} colours`);
      }
      // Keywords, types, strings and literals stand out from the code's plain text.
      const plain = found[0].plain;
      for (const [index, text] of [[0, 'fn'], [0, 'str'], [0, '"{} distinct"'], [1, 'def'], [2, 'then'], [3, 'const'], [4, 'null'], [5, 'true']]) {
        const colour = await tokenColour(page, index, text);
        assert.ok(colour, `${blocks[index][0]}: no span holds exactly ${text}`);
        assert.notEqual(colour, plain, `${blocks[index][0]}: ${text} looks like plain text`);
      }
      if (mode === 'light') {
        await expectNoAxeViolations(page, 'code page');
      } else {
        const violations = await runAxe(page, CONTRAST_ONLY);
        assert.deepEqual(violations, [], formatViolations(violations, `code page (${mode})`));
      }
      expectNoProblems(problems);
      // Hidden lines once shown are as readable as the rest.
      const hidden = await openPage(context, `${s.server.origin}${PREFIX}hidden.html`);
      await hidden.page.click('[data-show-hidden]');
      await hidden.page.waitForSelector('pre.code.show-hidden');
      const shown = await runAxe(hidden.page, CONTRAST_ONLY);
      assert.deepEqual(shown, [], formatViolations(shown, `hidden lines shown (${mode})`));
      expectNoProblems(hidden.problems);
      await context.close();
    });
  }

  test('light and dark colour tokens differently', async () => {
    const seen = [];
    for (const colorScheme of ['light', 'dark']) {
      const context = await s.browser.newContext({ viewport: DESKTOP, colorScheme });
      const { page } = await openPage(context, `${s.server.origin}${PREFIX}code.html`);
      seen.push(await tokenColour(page, 0, 'fn'));
      await context.close();
    }
    assert.notEqual(seen[0], seen[1]);
  });
});

// The copy button sits in a block's top corner: scrolled to its end, no line of the code may end
// under it, in a lesson or in a quiz's program (numbered, a grid), and in a quiz it keeps its own
// small style (`.quiz button` made it a 77×44 primary button over the question's one line).
describe('the copy button never covers code', () => {
  let s;
  const LONG = 'fn train(model: &mut Model, data: &[Example], rate: f64) -> Result<Report, TrainError> {';
  before(async () => {
    s = await servedCourse({
      'book.toml': '[book]\ntitle = "Copy"\n[output.html]\nsite-url = "/copy/"\n',
      'content/01-copy.md': [
        '# Copy', '', '```rust', LONG, '    todo!()', '}', '```', '', '```quiz', 'questions:',
        '  - id: prints', '    type: text', '    prompt: |', '      What does this print?', '',
        '      ```rust', '      fn main() { let total: u64 = (1..=10).map(|n| n * n).sum(); println!("{total}"); }',
        '      ```', '    answers: ["385"]', '```', '',
      ].join('\n'),
    }, '/copy/');
  });
  after(async () => s?.close());

  for (const [name, viewport] of [['a 390 px phone', { width: 390, height: 844 }], ['a desktop', DESKTOP]]) {
    test(`on ${name}`, async (t) => {
      const context = await s.browser.newContext({ viewport });
      t.after(() => context.close());
      const { page, problems } = await openPage(context, `${s.server.url}copy.html`);
      await page.waitForSelector('.quiz .copy-code');
      const blocks = await page.locator('.code-block').evaluateAll((wraps) => wraps.map((wrap) => {
        const pre = wrap.querySelector('pre.code');
        const button = wrap.querySelector('.copy-code').getBoundingClientRect();
        pre.scrollLeft = pre.scrollWidth;
        const code = pre.querySelector('code');
        const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
        const range = document.createRange();
        let top = null;
        let last = null;
        for (let n; (n = walker.nextNode()) && !(last && n.textContent.includes('\n'));) {
          for (let k = 0; k < n.textContent.length && n.textContent[k] !== '\n'; k++) {
            range.setStart(n, k);
            range.setEnd(n, k + 1);
            const r = range.getBoundingClientRect();
            top ??= r.top;
            if (Math.abs(r.top - top) < 2 && n.textContent[k].trim()) last = r;
          }
        }
        const covered = last.right > button.left && last.left < button.right && last.bottom > button.top && last.top < button.bottom;
        return { inQuiz: !!wrap.closest('.quiz'), covered, height: button.height };
      }));
      assert.deepEqual(blocks.map((b) => b.inQuiz), [false, true]);
      for (const b of blocks) {
        assert.equal(b.covered, false, `the end of the first line is under the button${b.inQuiz ? ' (in the quiz)' : ''}`);
        assert.ok(b.height < 40, `a ${b.height} px high button${b.inQuiz ? ' in the quiz' : ''}`);
      }
      expectNoProblems(problems);
    });
  }
});
