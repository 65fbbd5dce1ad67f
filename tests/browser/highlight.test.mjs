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
