// Search (issue #16) in Chromium under a sub-path: the example course's index, typed queries,
// ranked results with marks, keyboard-only use, a result opening at its section, the query
// kept when coming back, nothing fetched before search opens, no request leaving the site.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { launchBrowser, openPage, formatProblems, DESKTOP } from './lib/browser.mjs';

const PHONE_390 = { width: 390, height: 844 };
import { serve } from './lib/server.mjs';
import { REPO, buildOrThrow, tempDir, removeDir, makeCourse } from './lib/coursebook.mjs';
import { waitInPage, expectNoAxeViolations, expectNoProblems } from './lib/expect.mjs';

const PREFIX = '/academy/';

/**
 * A suite's own course: `files()` built before its tests and served under `prefix` (with
 * `headers`), Chromium launched; all of it undone after. The returned object is filled then.
 */
function servedCourse(name, prefix, files, headers) {
  const s = {};
  before(async () => {
    s.course = await makeCourse(files());
    s.dest = await tempDir(`coursebook-search-${name}-`);
    await buildOrThrow(s.course, { dest: s.dest });
    s.server = await serve(s.dest, headers ? { prefix, headers } : { prefix });
    s.browser = await launchBrowser();
  }, { timeout: 120_000 });
  after(async () => {
    await s.browser?.close();
    await s.server?.close();
    for (const d of [s.dest, s.course]) if (d) await removeDir(d);
  });
  return s;
}

describe('search in the browser', () => {
  const s = {};
  before(async () => {
    s.dest = await tempDir('coursebook-search-site-');
    await buildOrThrow(REPO, { dest: s.dest });
    s.server = await serve(s.dest, { prefix: PREFIX });
    s.browser = await launchBrowser();
  }, { timeout: 120_000 });
  after(async () => {
    await s.browser?.close();
    await s.server?.close();
    if (s.dest) await removeDir(s.dest);
  });

  async function results(page) {
    await waitInPage(page, () => !document.querySelector('[data-search-results]').hidden, null, 'search results');
    return page.$$eval('[data-search-results] a[role=option]', (as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent })));
  }

  test('nothing is fetched before search opens; typing finds the section, marked, and Enter opens it', { timeout: 60_000 }, async (t) => {
    const context = await s.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const requests = [];
    context.on('request', (r) => requests.push(r.url()));
    const { page, problems } = await openPage(context, s.server.url);
    assert.equal(requests.filter((u) => /search/.test(u)).length, 0, `fetched before search opened: ${requests.filter((u) => /search/.test(u)).join(', ')}`);
    // `/` opens search from anywhere but a field.
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.type), 'search');
    await page.keyboard.type('hous pric');
    const found = await results(page);
    assert.ok(found.length > 0, 'no results for "hous pric"');
    assert.match(found[0].text, /price/i);
    assert.ok(await page.$('[data-search-results] .search-excerpt mark'), 'no word is marked in the excerpt');
    const status = await page.textContent('[data-search-status]');
    assert.match(status, /\d+ results?/);
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.getAttribute('input[type=search]', 'aria-activedescendant'), 'search-result-0');
    // What went wrong on the page before leaving it (leaving aborts what is still loading).
    const before = formatProblems(problems);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.ok(page.url().startsWith(s.server.url), page.url());
    // Coming back: the query is still there, in the box before it is opened again.
    await page.goBack();
    await waitInPage(page, () => document.querySelector('input[type=search]').value === 'hous pric', null, 'the query to come back');
    assert.notEqual(await page.evaluate(() => document.activeElement?.type), 'search');
    // Opened from a link of the page (Tab to it, then `/`).
    await page.focus('main a[href]');
    const link = await page.evaluate(() => document.activeElement.getAttribute('href'));
    await page.keyboard.press('/');
    // Escape closes the results and keeps focus in the box.
    await results(page);
    await page.keyboard.press('Escape');
    assert.equal(await page.isHidden('[data-search-results]'), true);
    assert.equal(await page.evaluate(() => document.activeElement?.type), 'search');
    // A second empties the box and gives focus back to the link.
    await page.keyboard.press('Escape');
    assert.equal(await page.inputValue('input[type=search]'), '');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('href')), link);
    assert.equal(before, '');
    assert.equal(requests.filter((u) => !u.startsWith(s.server.origin)).length, 0, 'a request left the site');
  });

  test('glossary terms are results, and words are stemmed: "parameters" finds the entry "Parameter"', { timeout: 60_000 }, async (t) => {
    const context = await s.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page } = await openPage(context, s.server.url);
    await page.fill('input[type=search]', 'parameters');
    const found = await results(page);
    assert.ok(found.some((r) => /glossary\.html#term-/.test(r.href)), `no glossary entry among ${JSON.stringify(found)}`);
    // Words found apart still answer; a phrase in quotes needs all its words.
    await page.fill('input[type=search]', 'parameters zzzznothing');
    assert.ok((await results(page)).length > 0, 'no results for a query with one unknown word');
    await page.fill('input[type=search]', '"parameters zzzznothing"');
    await waitInPage(page, () => /No results/.test(document.querySelector('[data-search-status]').textContent), null, 'a phrase with an unknown word to find nothing');
    // `s` opens search too.
    await page.locator('h1').first().click();
    await page.keyboard.press('s');
    assert.equal(await page.evaluate(() => document.activeElement?.type), 'search');
    await page.fill('input[type=search]', 'zzzznothing');
    await waitInPage(page, () => /No results/.test(document.querySelector('[data-search-status]').textContent), null, 'no results to be said');
  });

  test('Tab leaves the search: the results are not a tab stop, and they close with the query kept', { timeout: 60_000 }, async (t) => {
    const context = await s.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page } = await openPage(context, s.server.url + 'foundations/what-is-a-model.html');
    await page.keyboard.press('/');
    await page.keyboard.type('model');
    await results(page);
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const e = document.activeElement;
      return { inResults: !!e.closest('[data-search-results]'), inForm: !!e.closest('form[role=search]'), html: e.outerHTML.slice(0, 80) };
    });
    assert.equal(focused.inResults, false, `Tab landed in the results: ${focused.html}`);
    assert.equal(focused.inForm, false, `Tab stayed in the search: ${focused.html}`);
    assert.equal(await page.isHidden('[data-search-results]'), true, 'the results stay open over the page');
    assert.equal(await page.getAttribute('[role=combobox]', 'aria-expanded'), 'false');
    assert.equal(await page.inputValue('input[type=search]'), 'model');
    // Back in the box, the arrows open the results again.
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.type), 'search');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.isHidden('[data-search-results]'), false);
    assert.equal(await page.getAttribute('input[type=search]', 'aria-activedescendant'), 'search-result-0');
  });

  test('the / and s keys can be turned off under the box, and stay off on the next page (WCAG 2.1.4)', { timeout: 60_000 }, async (t) => {
    const context = await s.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page, problems } = await openPage(context, s.server.url + 'foundations/what-is-a-model.html');
    const keys = page.locator('[data-search-keys]');
    assert.equal(await keys.isVisible(), false, 'the switch shows before search is opened');
    await page.keyboard.press('s');
    assert.equal(await page.evaluate(() => document.activeElement?.type), 'search');
    // Open and empty, the box shows the switch; Tab reaches it; Space turns the keys off.
    assert.equal(await keys.isVisible(), true, 'the switch is not shown under the open box');
    await expectNoAxeViolations(page, 'the open search box with its switch');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.hasAttribute('data-search-keys')), true);
    const box = await page.locator('.search-keys label').boundingBox();
    assert.ok(box.height >= 24, `the switch's label is ${box.height} px high`);
    await page.keyboard.press('Space');
    assert.equal(await keys.isChecked(), false);
    await page.keyboard.press('Escape');
    await page.locator('main').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('/');
    await page.keyboard.press('s');
    assert.notEqual(await page.evaluate(() => document.activeElement?.type), 'search', '/ opened search once turned off');
    // Typing in the box shows the results instead of the switch.
    await page.locator('input[type=search]').fill('model');
    await results(page);
    assert.equal(await keys.isVisible(), false, 'the switch covers the results');
    // Kept in this browser: off on the next page, and on again from the switch.
    const next = await context.newPage();
    await next.goto(s.server.url + 'foundations/what-is-a-model.html');
    await next.keyboard.press('/');
    assert.notEqual(await next.evaluate(() => document.activeElement?.type), 'search', 'the keys came back on the next page');
    await next.locator('input[type=search]').focus();
    await next.locator('input[type=search]').fill('');
    await next.locator('[data-search-keys]').check();
    await next.locator('main').click({ position: { x: 5, y: 5 } });
    await next.keyboard.press('/');
    assert.equal(await next.evaluate(() => document.activeElement?.type), 'search');
    assert.equal(formatProblems(problems), "", "problems on the page");
  });

  test('nothing found is said on screen, with the query; closing the search hides it', { timeout: 60_000 }, async (t) => {
    const context = await s.browser.newContext({ viewport: PHONE_390 });
    t.after(() => context.close());
    const { page } = await openPage(context, s.server.url);
    await page.fill('input[type=search]', 'zzqqxx');
    const none = page.getByText('No results for “zzqqxx”', { exact: true });
    await none.waitFor({ state: 'visible', timeout: 10_000 });
    const box = await none.boundingBox();
    assert.ok(box.width > 50 && box.height > 10, `the message is ${JSON.stringify(box)}`);
    assert.equal(await page.isHidden('[data-search-results]'), true);
    assert.equal(await page.getAttribute('[role=combobox]', 'aria-expanded'), 'false');
    await expectNoAxeViolations(page, 'no results');
    await page.keyboard.press('Escape');
    // Still read out (the status is), but one pixel, off screen.
    const after = await page.$eval('[data-search-status]', (e) => e.getBoundingClientRect().width);
    assert.ok(after <= 1, `the message stays after Escape, ${after} px wide`);
  });

  test('a glossary term typed whole comes first, and every prefix of a word as it is typed finds what the word finds', { timeout: 90_000 }, async (t) => {
    const context = await s.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page } = await openPage(context, s.server.url);
    // "model" is in most sections' text and many titles: the entry named so comes first.
    await page.fill('input[type=search]', 'model');
    await waitInPage(page, () => document.querySelector('form[role=search]').dataset.searchAnswered, null, 'an answer');
    let found = await results(page);
    assert.match(found[0].href, /glossary\.html#term-model$/, JSON.stringify(found.map((r) => r.href)));
    // The index holds stems ("infer", "paramet"): a prefix past the stem ("inferenc") still
    // finds them.
    for (const [word, entry] of [['inference', 'term-inference'], ['parameters', 'term-parameter']]) {
      for (let n = 3; n <= word.length; n++) {
        const typed = word.slice(0, n);
        const answered = await page.evaluate(() => Number(document.querySelector('form[role=search]').dataset.searchAnswered || 0));
        await page.fill('input[type=search]', typed);
        await waitInPage(page, (a) => Number(document.querySelector('form[role=search]').dataset.searchAnswered || 0) > a, answered, `an answer to "${typed}"`);
        found = await page.$$eval('[data-search-results] a[role=option]', (as) => as.map((a) => a.getAttribute('href')));
        assert.ok(found.some((h) => h.endsWith(`glossary.html#${entry}`)), `"${typed}" lost ${entry}: ${JSON.stringify(found)}`);
      }
    }
  });

  test('the combobox is named, expanded with the results, pointing at a named listbox and its selected option', { timeout: 60_000 }, async (t) => {
    const context = await s.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page } = await openPage(context, s.server.url);
    // Found by role and name as assistive technology finds it: the wrapper had no name. It is
    // ARIA 1.1's wrapper, not 1.2's field with the role: vnu refuses role=combobox on
    // input type=search, and FORMATS.md asks for that input.
    const box = page.getByRole('combobox', { name: 'Search the course' });
    assert.equal(await box.count(), 1);
    assert.equal(await page.locator('[role=combobox]').count(), 1, 'one combobox');
    const input = page.locator('[role=combobox] input[type=search]');
    assert.equal(await input.count(), 1);
    assert.equal(await box.getAttribute('aria-expanded'), 'false');
    assert.equal(await input.getAttribute('aria-autocomplete'), 'list');
    await input.fill('model');
    await results(page);
    assert.equal(await box.getAttribute('aria-expanded'), 'true');
    const listbox = page.getByRole('listbox', { name: 'Search results' });
    assert.equal(await listbox.getAttribute('id'), await box.getAttribute('aria-controls'));
    assert.equal(await listbox.getAttribute('id'), await input.getAttribute('aria-controls'));
    await input.press('ArrowDown');
    const selected = await page.getAttribute('[role=option][aria-selected=true]', 'id');
    assert.equal(await input.getAttribute('aria-activedescendant'), selected);
    await expectNoAxeViolations(page, 'search results open, an option selected');
  });

  test('on a 390 px phone, in light and dark, the open results pass axe and do not scroll sideways', { timeout: 90_000 }, async (t) => {
    for (const colorScheme of ['light', 'dark']) {
      const context = await s.browser.newContext({ viewport: PHONE_390, colorScheme });
      t.after(() => context.close());
      const { page } = await openPage(context, s.server.url + 'foundations/what-is-a-model.html');
      await page.fill('input[type=search]', 'model');
      await results(page);
      await page.keyboard.press('ArrowDown');
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 390, `the page is ${wide} px wide with the results open (${colorScheme})`);
      await expectNoAxeViolations(page, `search results open (${colorScheme})`);
    }
  });

  test('without JavaScript there is no search box', { timeout: 30_000 }, async (t) => {
    const context = await s.browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
    t.after(() => context.close());
    const { page } = await openPage(context, s.server.url);
    assert.equal(await page.isHidden('form[role=search]'), true);
  });
});

describe('search ranks words side by side first', () => {
  // Three sections hold "gradient" and "descent"; only one holds them side by side, as
  // written, and it is neither the first section nor the one with the most words.
  const s = servedCourse('pairs', '/p/', () => ({
      'book.toml': '[book]\ntitle = "Pairs"\n[output.html]\nsite-url = "/p/"\n',
      'content/01-a.md': `
        # Optimisers

        ## Apart {#apart}

        The descent of a slope, and its gradient, and more gradient and descent words.

        ## Together {#together}

        Plain gradient descent takes small steps.

        ## Plural {#plural}

        Gradients descend; the descents of gradients.
      `,
      'content/02-b.md': `
        # Other

        Descent first, gradient last.
      `,
      'content/03-c.md': `
        # Choosing the step size

        Step size matters: step size.
      `,
      'content/04-d.md': `
        # Vectors

        ${'A growable list of values on the heap, with its length and capacity. '.repeat(12)}
      `,
      'content/05-e.md': `
        # Lists

        ## See also {#see-also}

        Vectors, and a vector of vectors.
      `,
      'content/06-f.md': `
        # Stacks

        ## Stacks {#stacks}

        A pile of plates.
      `,
      'content/glossary.yaml': `- term: Step size\n  definition: ${'How far one update moves the weights along the gradient, in units of the loss surface. '.repeat(8)}\n`,
  }));

  test('"gradient descent" finds the section with the phrase first; in quotes, only it; a glossary term by its name first', { timeout: 60_000 }, async (t) => {
    const context = await s.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page } = await openPage(context, s.server.url);
    const hrefs = async () => {
      await waitInPage(page, () => !document.querySelector('[data-search-results]').hidden, null, 'search results');
      return page.$$eval('[data-search-results] a[role=option]', (as) => as.map((a) => a.getAttribute('href')));
    };
    await page.fill('input[type=search]', 'gradient descent');
    const found = await hrefs();
    assert.match(found[0], /a\.html#together$/, JSON.stringify(found));
    assert.ok(found.length >= 3, `the words apart answer too: ${JSON.stringify(found)}`);
    await page.fill('input[type=search]', '"gradient descent"');
    await waitInPage(page, () => document.querySelectorAll('[data-search-results] a[role=option]').length === 1, null, 'one result for the phrase');
    assert.match((await hrefs())[0], /a\.html#together$/);
    // A result named as the query comes first: the glossary's entry, not the lesson about
    // choosing the step size, shorter and saying it twice more.
    await page.fill('input[type=search]', 'step size');
    await waitInPage(page, () => document.querySelectorAll('[data-search-results] a[role=option]').length >= 2, null, 'two results for "step size"');
    assert.match((await hrefs())[0], /glossary\.html#term-step-size$/, JSON.stringify(await hrefs()));
    // A one-word name is found by its stem: "vector" and "vectors" both put the page named
    // "Vectors" first, above a short section saying "vector" three times.
    for (const q of ['vector', 'vectors', 'Vectors']) {
      await page.fill('input[type=search]', q);
      await waitInPage(page, (n) => document.querySelectorAll('[data-search-results] a[role=option]').length >= 2 && document.querySelector('input[type=search]').value === n, q, `two results for "${q}"`);
      assert.match((await hrefs())[0], /d\.html$/, `${q}: ${JSON.stringify(await hrefs())}`);
    }
    // A heading that repeats its page's title is said once: "Stacks", not "Stacks › Stacks".
    await page.fill('input[type=search]', 'plates');
    await waitInPage(page, () => /f\.html#stacks$/.test(document.querySelector('[data-search-results] a[role=option]')?.href ?? ''), null, 'the result for "plates"');
    assert.equal(await page.textContent('[data-search-results] a[role=option] .search-title'), 'Stacks');
    // The phrase as written: "gradients descend" stems like it, but is not it.
    await page.fill('input[type=search]', '"descent gradient"');
    await waitInPage(page, () => /No results/.test(document.querySelector('[data-search-status]').textContent), null, 'no section has "descent gradient"');
  });
});

describe('the word being typed finds the words it begins, not the words inside it', () => {
  const s = servedCourse('prefix', '/x/', () => {
    // Search audit on Rust by Example: "vec" never found "Vectors" (the pairs "vec 1", "vec a"…
    // took the 30 expansions), "struct" found every section saying `str`, and "clos" put a
    // section saying "closing" once above the sections about closures.
    const files = {
      'book.toml': '[book]\ntitle = "Prefixes"\n[output.html]\nsite-url = "/x/"\n',
      'content/01-vectors.md': '# Vectors\n\nA growable array type.\n',
      'content/02-code.md': `# Code\n\n${Array.from({ length: 40 }, (_, i) => `Call vec w${i} here.`).join('\n\n')}\n`,
      'content/03-strings.md': '# Strings\n\nThe str type, str slices, str everywhere.\n',
      'content/04-records.md': '# Records\n\nA struct holds fields.\n',
      'content/05-files.md': '# Files\n\nClosing a file.\n',
    };
    for (let i = 0; i < 6; i++) files[`content/1${i}-closures-${i}.md`] = `# Closures ${i}\n\nClosures capture, closures move.\n`;
    return files;
  });

  test('"vec" finds Vectors, "struct" not `str`, "clos" closures first', { timeout: 60_000 }, async (t) => {
    const context = await s.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page } = await openPage(context, s.server.url);
    const ask = async (q) => {
      const before = Number((await page.getAttribute('form[role=search]', 'data-search-answered')) || 0);
      await page.fill('input[type=search]', q);
      await waitInPage(page, (n) => Number(document.querySelector('form[role=search]').dataset.searchAnswered || 0) > n, before, `results for "${q}"`);
      return page.$$eval('[data-search-results] a[role=option]', (as) => as.map((a) => a.getAttribute('href').replace(/^.*\//, '')));
    };
    const vec = await ask('vec');
    assert.ok(vec.includes('vectors.html'), JSON.stringify(vec));
    const struct = await ask('struct');
    assert.deepEqual(struct, ['records.html']);
    const clos = await ask('clos');
    assert.match(clos[0], /^closures/, JSON.stringify(clos));
    assert.equal(clos.length, 7, JSON.stringify(clos));
  });
});

describe('code is found as programmers type it', () => {
  const s = servedCourse('code', '/x/', () => ({
    // Code search audit on the Rust Book and Rust by Example (2026-12-05): `read_to_string`
    // listed every section saying "to" ("10 of 524 results"), `to_str` on the way to
    // `to_string` put prose first, and `5u8` found nothing (the highlighter's spans cut it).
    'book.toml': '[book]\ntitle = "Code"\n[output.html]\nsite-url = "/x/"\n',
    'content/01-files.md': '# Files\n\nRead it to a string: call read_to_string.\n\n```rust\nlet text = fs::read_to_string("a.txt")?;\nlet s = n.to_string();\nlet elem = 5u8;\n```\n',
    'content/02-prose.md': `# Prose\n\n${Array.from({ length: 12 }, (_, i) => `Go to page ${i}, read it, and string the words together: str ${i}.`).join('\n\n')}\n`,
    'content/03-more.md': '# More\n\nTo read a string, ask. A str is a slice.\n',
    // The section teaching an API names it in its sentences; short sections only call it.
    'content/04-strings.md': '# Strings\n\nA `String` grows: `push_str` appends a slice to it, and `push` appends one character. Growing a text this way keeps its buffer, which doubles in size whenever the text outgrows it, so appending many pieces costs little.\n\n```rust\nlet mut s = String::from("foo");\ns.push_str("bar");\n```\n',
    'content/05-greeting.md': '# Greeting\n\nSay hello to the reader.\n\n```rust\ngreeting.push_str("!");\n```\n',
    'content/06-logging.md': '# Logging\n\nKeep a log of each message.\n\n```rust\nline.push_str(msg);\n```\n',
    // A name only code says, in CamelCase; and prose saying its words apart.
    'content/07-coins.md': '# Coins\n\n```rust\nenum Coin { Quarter(UsState) }\n```\n',
    'content/08-travel.md': '# Travel\n\nEach state has its rules; the US is large, and a state is not a country.\n',
    // An operator named by a heading and by inline code; a question mark ending a title.
    'content/09-errors.md': '# Errors\n\n## The ? Operator {#question-mark}\n\nEnd a call with `?` to return its error early.\n',
    'content/10-why.md': '# Why?\n\nBecause a call can fail.\n',
    // A phrase whose last word is whole, and a page titled by its first pair whose text has a
    // pair the last word only begins ("schedulers listed").
    'content/14-plan.md': '# Plan\n\nKeep the latent schedulers list short.\n',
    'content/15-latent.md': '# Latent schedulers\n\nThe schedulers listed here run latent jobs; each list is short.\n',
    // A word past the 220 characters an excerpt shows, within the 320 the index keeps.
    'content/16-flowers.md': `# Flowers\n\n${'Plain words fill this opening sentence. '.repeat(6)}Then zygomorphic petals appear.\n`,
    // A page named by the operator alone, long: its score alone put it after the short section.
    'content/13-question.md': `# ?\n\n${'It propagates an error to the caller of the function. '.repeat(40)}\n`,
    // An identifier joined by `_`, and prose saying its words side by side.
    'content/11-queues.md': '# Queues\n\nThe queue is empty when nothing waits, and a list is empty too.\n',
    'content/12-vectors.md': '# Vectors\n\n```rust\nif v.is_empty() { return; }\n```\n',
  }));

  test('an identifier\'s words side by side, the one being typed among the pairs it begins, a literal whole', { timeout: 60_000 }, async (t) => {
    const context = await s.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page, problems } = await openPage(context, s.server.url);
    const ask = async (q) => {
      const before = Number((await page.getAttribute('form[role=search]', 'data-search-answered')) || 0);
      await page.fill('input[type=search]', q);
      await waitInPage(page, (n) => Number(document.querySelector('form[role=search]').dataset.searchAnswered || 0) > n, before, `results for "${q}"`);
      return page.$$eval('[data-search-results] a[role=option]', (as) => as.map((a) => a.getAttribute('href').replace(/^.*\//, '')));
    };
    assert.deepEqual(await ask('read_to_string'), ['files.html']);
    // Its words are marked where they stand together, not "Read it to a string".
    const marks = await page.$$eval('[data-search-results] .search-excerpt mark', (ms) => ms.map((m) => m.textContent));
    assert.deepEqual(marks, ['read', 'to', 'string', 'read', 'to', 'string'], JSON.stringify(marks));
    // A result's title and heading show the query's words marked too, as written there.
    assert.equal((await ask('latent schedulers'))[0], 'latent.html');
    const named = await page.$eval('[data-search-results] a[role=option] .search-title', (t) => [...t.querySelectorAll('mark')].map((m) => m.textContent));
    assert.deepEqual(named, ['Latent', 'schedulers'], JSON.stringify(named));
    // The excerpt shown is the passage where the query's word stands, not the section's opening.
    assert.deepEqual(await ask('zygomorphic'), ['flowers.html']);
    const shown = await page.$eval('[data-search-results] .search-excerpt', (e) => ({
      text: e.textContent,
      marks: [...e.querySelectorAll('mark')].map((m) => m.textContent),
    }));
    assert.match(shown.text, /^….*opening sentence\. Then zygomorphic petals appear\.$/, JSON.stringify(shown));
    assert.ok(shown.text.length <= 230, JSON.stringify(shown));
    assert.deepEqual(shown.marks, ['zygomorphic']);
    assert.deepEqual(await ask('fs::read_to_string'), ['files.html']);
    // Typed partly: still found first, its last word not yet required whole.
    const partial = await ask('to_str');
    assert.equal(partial[0], 'files.html', JSON.stringify(partial));
    const one = await ask('read_to_s');
    assert.equal(one[0], 'files.html', JSON.stringify(one));
    assert.deepEqual(await ask('5u8'), ['files.html']);
    // Words apart are words apart: any section with them.
    assert.ok((await ask('read string')).length >= 2);
    // Inline code counts as a heading does: the section teaching `push_str` comes before the
    // short ones calling it (BM25's length norm put them first).
    const taught = await ask('push_str');
    assert.deepEqual(taught.slice(0, 3), ['strings.html', 'greeting.html', 'logging.html'], JSON.stringify(taught));
    // A CamelCase name typed as its words: found first (it was not found at all), and whole.
    const typed = await ask('us state');
    assert.equal(typed[0], 'coins.html', JSON.stringify(typed));
    assert.deepEqual(await ask('UsState'), ['coins.html']);
    // An identifier whole: the code saying it before the prose saying its words; and while
    // it is being typed.
    const exact = await ask('is_empty');
    assert.deepEqual(exact.slice(0, 2), ['vectors.html', 'queues.html'], JSON.stringify(exact));
    const typing = await ask('is_em');
    assert.equal(typing[0], 'vectors.html', JSON.stringify(typing));
    // The pair as typed counts above a pair its last word only begins: the page titled by the
    // first pair came first (at 10,000 lessons, right first 89.5 %; now 93.5 %).
    const phrase = await ask('latent schedulers list');
    assert.deepEqual(phrase.slice(0, 2), ['plan.html', 'latent.html'], JSON.stringify(phrase));
    // While it is typed, the pairs it begins still find it.
    assert.equal((await ask('latent schedulers liste'))[0], 'latent.html');
    // Symbols alone: the operator a heading and inline code name ("No results" before), not
    // a title's question mark.
    // A page named by the operator alone first, as a name is.
    assert.deepEqual(await ask('?'), ['question.html', 'errors.html#question-mark']);
    assert.deepEqual(await ask('=>'), []);
    expectNoProblems(problems);
  });
});

describe('search in other languages finds what their readers type', () => {
  // Search audit on five real translations (2026-12-05; /work/searchaudit): a phrase in quotes
  // found nothing in Chinese or Japanese, 々 split its word, full-width letters found nothing,
  // bold text cut Chinese into pieces, a Latin word beside kana was never marked, a page
  // opening with a heading put its empty start first, and the Spanish "después" lost to one
  // misspelt "despues".
  const ja = servedCourse('ja', '/ja/', () => ({
    'book.toml': '[book]\ntitle = "言語"\nlanguage = "ja"\n[output.html]\nsite-url = "/ja/"\n',
    'content/01-a.md': '# 所有権\n\n## 規則 {#rules}\n\n所有権規則はRustの最もユニークな機能です。\n',
    'content/02-b.md': '# 借用\n\n## 参照 {#refs}\n\n参照は値を使うが、その所有を取らない。規則は権利の話。\n',
    'content/03-c.md': '# 比较\n\n## 模式 {#match}\n\n下一个分支的模式，它**确实**匹配！\n',
    'content/04-d.md': '# 其他\n\n## 说明 {#words}\n\n确实 实匹 匹配 它确 这些词分开写。\n',
    'content/05-e.md': '# テスト\n\n## 実行 {#run}\n\n我々のテストを実行します。\n',
    'content/06-f.md': '# 機能\n\n## 概要 {#about}\n\n様々な機能と色々な型があります。\n',
    'content/07-g.md': '---\ntitle: データ構造\n---\n\n## データ構造 {#structures}\n\n木とリストの説明。\n',
  }));
  const es = servedCourse('es', '/es/', () => ({
    'book.toml': '[book]\ntitle = "Idiomas"\nlanguage = "es"\n[output.html]\nsite-url = "/es/"\n',
    'content/01-a.md': '# Compilar\n\n## Antes y después {#despues}\n\nDespués de compilar, después de probar: después.\n',
    'content/02-b.md': '# Errata\n\n## Nota {#nota}\n\nUn error de compilar: despues sin tilde.\n',
    'content/03-c.md': '# Francés\n\n## Palabras {#palabras}\n\nLe cœur de l\'œuvre.\n',
  }));

  const ru = servedCourse('ru', '/ru/', () => {
    const files = { 'book.toml': '[book]\ntitle = "Языки"\nlanguage = "ru"\n[output.html]\nsite-url = "/ru/"\n' };
    for (let i = 1; i <= 5; i++) files[`content/0${i}-m${i}.md`] = `# Модель ${i}\n\nМодель номер ${i}.\n`;
    files['content/06-verb.md'] = '# Глагол\n\nФункция создаёт вектор.\n';
    return files;
  });

  async function ask(page, q) {
    const before = Number((await page.getAttribute('form[role=search]', 'data-search-answered')) || 0);
    await page.fill('input[type=search]', q);
    await waitInPage(page, (n) => Number(document.querySelector('form[role=search]').dataset.searchAnswered || 0) > n, before, `results for "${q}"`);
    return page.$$eval('[data-search-results] a[role=option]', (as) => as.map((a) => ({
      href: a.getAttribute('href').replace(/^.*\//, ''),
      marks: [...a.querySelectorAll('mark')].map((m) => m.textContent),
      excerpt: a.querySelector('.search-excerpt')?.textContent ?? '',
    })));
  }

  test('Chinese and Japanese: phrases in quotes, 々, full-width letters, bold text, Latin beside kana, a page opening with its heading', { timeout: 90_000 }, async (t) => {
    const context = await ja.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page, problems } = await openPage(context, ja.server.url);
    const hrefs = (found) => found.map((r) => r.href);
    // A phrase in quotes: its characters side by side, nowhere else (b.html has them apart).
    assert.deepEqual(hrefs(await ask(page, '"所有権規則"')), ['a.html#rules']);
    // 々 is part of 我々: only the page saying it, not every page with a 々.
    assert.deepEqual(hrefs(await ask(page, '我々')), ['e.html#run']);
    // Full-width letters as an IME types them; "Rust" marked though kana touch it.
    const rust = await ask(page, 'ｒｕｓｔ');
    assert.equal(rust[0]?.href, 'a.html#rules', JSON.stringify(rust));
    assert.ok(rust[0].marks.includes('Rust'), JSON.stringify(rust[0]));
    // Bold text inside a Chinese sentence is still one run: the page saying it word for word
    // first, above the one holding its pairs apart.
    assert.equal((await ask(page, '它确实匹配'))[0]?.href, 'c.html#match');
    // A page that opens with its heading: one result, the section, with its text.
    const structures = await ask(page, 'データ構造');
    assert.equal(structures[0]?.href, 'g.html#structures', JSON.stringify(structures));
    assert.ok(structures.every((r) => r.excerpt.trim() !== ''), JSON.stringify(structures));
    assert.equal(formatProblems(problems), "", "problems on the page");
  });

  test('Russian: ё is е to the stemmer, and the count is said in Russian with its plural form', { timeout: 60_000 }, async (t) => {
    const context = await ru.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page, problems } = await openPage(context, ru.server.url);
    assert.equal((await ask(page, 'создать'))[0]?.href, 'verb.html');
    assert.equal((await ask(page, 'модель')).length, 5);
    assert.match(await page.textContent('[data-search-status]'), /5 результатов/);
    assert.equal(formatProblems(problems), "", "problems on the page");
  });

  test('Spanish and French: every stem of a word that folds alike, ligatures as typed', { timeout: 60_000 }, async (t) => {
    const context = await es.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page, problems } = await openPage(context, es.server.url);
    // "después" is its own stem, the misspelt "despues" stems to "despu": the section saying
    // "después" three times comes first, holding both words of the query.
    const found = await ask(page, 'después compilar');
    assert.equal(found[0]?.href, 'a.html#despues', JSON.stringify(found));
    assert.ok(found[0].marks.some((m) => /^después$/i.test(m)), JSON.stringify(found[0]));
    assert.equal((await ask(page, 'coeur oeuvre'))[0]?.href, 'c.html#palabras');
    assert.equal(formatProblems(problems), "", "problems on the page");
  });
});

describe('search asks for what a query needs at once', () => {
  // The strictest policy a host may send for scripts: no WebAssembly ('wasm-unsafe-eval').
  const s = servedCourse('fetches', '/f/', () => {
    // 80 lessons, each with 300 words of its own (so the terms fill several files), "gradient"
    // in every eighth (so its results' documents are in several files), "aardvark" and
    // "zymurgy" once each (first and last in the terms' order).
    const files = { 'book.toml': '[book]\ntitle = "Fetches"\n[output.html]\nsite-url = "/f/"\n' };
    for (let i = 0; i < 80; i++) {
      const own = Array.from({ length: 300 }, (_, j) => `w${i}x${j}`).join(' ');
      const extra = i === 3 ? ' aardvark' : i === 5 ? ' zymurgy' : '';
      files[`content/l${i}.md`] = `# Lesson ${i}\n\n${i % 8 === 0 ? 'The gradient moves.' : 'Steps.'}${extra} ${own}\n`;
    }
    return files;
  }, { 'Content-Security-Policy': "script-src 'self'" });
  before(async () => {
    s.meta = JSON.parse(await readFile(path.join(s.dest, 'search/meta.json'), 'utf8'));
  });

  test('under `script-src \'self\'` alone, search finds words by their stems, asks for no WebAssembly and logs no error', { timeout: 60_000 }, async (t) => {
    const context = await s.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const requests = [];
    context.on('request', (r) => requests.push(r.url()));
    const { page, problems } = await openPage(context, s.server.url);
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    // "moves" is written in the lessons (its stem, "move", noted beside it in the index);
    // "move" is not written, and is found as the stem; "gradien" as the word being typed.
    for (const query of ['moves', 'move', 'gradient moves', 'gradien']) {
      await page.fill('input[type=search]', query);
      await waitInPage(page, (q) => document.querySelector('input[type=search]').value === q
        && document.querySelectorAll('[data-search-results] a[role=option]').length >= 10, query, `results for "${query}"`);
      const first = await page.$eval('[data-search-results] a[role=option]', (a) => a.getAttribute('href'));
      assert.match(first, /l(0|8|16|24|32|40|48|56|64|72)\.html/, `"${query}" first found ${first}`);
    }
    assert.ok(await page.$('[data-search-results] .search-excerpt mark'), 'no word is marked');
    assert.deepEqual(requests.filter((u) => /\.wasm/.test(u)), []);
    assert.deepEqual(errors, []);
    assert.equal(formatProblems(problems), '');
  });

  test('a query\'s terms files, then its results\' documents, are each asked for together, not one after another', { timeout: 60_000 }, async (t) => {
    assert.ok(s.meta.terms.length >= 3, `the index has ${s.meta.terms.length} terms files`);
    const context = await s.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    // Requests for the index's files are held until the test lets them go: asked for one after
    // another, only one would ever be waiting.
    const held = { t: [], d: [] };
    const release = { t: false, d: false };
    await context.route(/\/search\/[td]\/\d+\.json/, (route) => {
      const kind = /\/search\/([td])\//.exec(route.request().url())[1];
      if (release[kind]) route.continue();
      else held[kind].push(route);
    });
    const { page } = await openPage(context, s.server.url);
    const waiting = async (kind, count) => {
      const until = Date.now() + 3000;
      while (held[kind].length < count && Date.now() < until) await page.waitForTimeout(25);
      return held[kind].length;
    };
    await page.fill('input[type=search]', 'aardvark gradient zymurgy');
    // aardvark's file (the first) and zymurgy's (the last), with gradient's and the pairs', at once.
    assert.ok(await waiting('t', 2) >= 2, `terms files waiting together: ${held.t.map((r) => r.request().url()).join(', ')}`);
    release.t = true;
    for (const r of held.t) await r.continue();
    // gradient's lessons are in documents files 0, 1, 2…: all asked for at once.
    assert.ok(await waiting('d', 3) >= 3, `documents files waiting together: ${held.d.map((r) => r.request().url()).join(', ')}`);
    release.d = true;
    for (const r of held.d) await r.continue();
    await waitInPage(page, () => document.querySelectorAll('[data-search-results] a[role=option]').length >= 10, null, 'ten results');
    const found = await page.$$eval('[data-search-results] a[role=option]', (as) => as.map((a) => a.getAttribute('href')));
    for (const lesson of ['l3.html', 'l5.html', 'l0.html', 'l64.html']) {
      assert.ok(found.some((h) => h.endsWith(lesson)), `${lesson} not among ${JSON.stringify(found)}`);
    }
  });
});

describe('search says how many sections matched, not how many are shown', () => {
  const s = servedCourse('counts', '/c/', () => {
    // "Steps." in 37 lessons, "gradient" in 3: ten results of 37 are shown, all 3 of 3.
    const files = { 'book.toml': '[book]\ntitle = "Counts"\n[output.html]\nsite-url = "/c/"\n' };
    for (let i = 0; i < 40; i++) files[`content/l${i}.md`] = `# Lesson ${i}\n\n${i < 3 ? 'The gradient moves.' : 'Steps.'}\n`;
    return files;
  });

  test('"10 of 37 results" when the list is cut, "3 results" when it is not', { timeout: 60_000 }, async (t) => {
    const context = await s.browser.newContext({ viewport: DESKTOP });
    t.after(() => context.close());
    const { page } = await openPage(context, s.server.url);
    const said = (text) => waitInPage(page, (x) => document.querySelector('[data-search-status]').textContent === x, text, `the status "${text}"`);
    await page.fill('input[type=search]', 'steps');
    await said('10 of 37 results');
    assert.equal(await page.locator('[data-search-results] a[role=option]').count(), 10);
    // The list's last option asks for ten more (search audit: ten were all a learner could
    // see): by keyboard, the first of them is then the active option; by mouse, the same.
    const more = page.locator('#search-more');
    assert.equal(await more.getAttribute('role'), 'option');
    assert.equal(await more.textContent(), 'More results');
    for (let i = 0; i < 11; i++) await page.keyboard.press('ArrowDown');
    assert.equal(await page.getAttribute('input[type=search]', 'aria-activedescendant'), 'search-more');
    await page.keyboard.press('Enter');
    await said('20 of 37 results');
    assert.equal(await page.getAttribute('input[type=search]', 'aria-activedescendant'), 'search-result-10');
    assert.equal(await page.evaluate(() => document.activeElement.type), 'search');
    await expectNoAxeViolations(page, 'twenty results and More results');
    await more.click();
    await said('30 of 37 results');
    await more.click();
    await said('37 results');
    assert.equal(await more.count(), 0, 'nothing more to show');
    // A new query starts again at ten.
    await page.fill('input[type=search]', 'steps.');
    await said('10 of 37 results');
    await page.fill('input[type=search]', 'gradient');
    await said('3 results');
    assert.equal(await more.count(), 0);
  });
});
