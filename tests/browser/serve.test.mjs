// `coursebook serve` with a real browser open while the author edits: a good edit reloads the
// page with the new text, a broken quiz shows the problems in an overlay over the last good
// page, and fixing it clears the overlay. The server runs under the course's site-url.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { formatViolations, runAxe } from './lib/axe.mjs';
import { DESKTOP, formatProblems, launchBrowser, openPage } from './lib/browser.mjs';
import { COURSEBOOK_BIN, makeCourse, removeDir } from './lib/coursebook.mjs';

const GOOD_QUIZ = 'questions:\n  - type: true-false\n    prompt: Is this served?\n    answer: true\n';
const BAD_QUIZ = 'questions:\n  - type: single\n    prompt: Pick one\n    choices: [{text: a}, {text: b}]\n';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForPort(port, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`coursebook serve did not listen on ${port}`);
}

/** Open `url` and wait until its live-reload stream is open (the server has answered it):
 * only then is an edit sure to reach the page. */
async function openLive(context, url) {
  const streaming = context.waitForEvent('response', {
    predicate: (r) => r.url().includes('/__coursebook/events') && r.frame().url().startsWith(url),
    timeout: 15_000,
  });
  const opened = await openPage(context, url);
  await streaming;
  return opened;
}

describe('coursebook serve in the browser', () => {
  let dir, child, browser, base;
  before(async () => {
    dir = await makeCourse({
      'book.toml': '[book]\ntitle = "Served"\n[output.html]\nsite-url = "/live/"\n',
      'content/01-lesson.md': '# Lesson\n\nFirst version.\n',
      'content/01-lesson.quiz.yaml': GOOD_QUIZ,
    });
    const port = await freePort();
    child = spawn(COURSEBOOK_BIN, ['serve', dir, '--port', String(port)], { stdio: 'ignore' });
    await waitForPort(port);
    base = `http://127.0.0.1:${port}/live/`;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    child?.kill('SIGINT');
    if (dir) await removeDir(dir);
  });

  test('good edits reload, bad ones show an overlay over the last good page', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const { page, problems } = await openLive(context, `${base}lesson.html`);
    assert.match(await page.locator('main').textContent(), /First version\./);

    const started = Date.now();
    await writeFile(path.join(dir, 'content/01-lesson.md'), '# Lesson\n\nSecond version.\n');
    await page.waitForFunction(() => document.querySelector('main')?.textContent.includes('Second version.'), null, { timeout: 15_000 });
    const reloadMs = Date.now() - started;

    await writeFile(path.join(dir, 'content/01-lesson.quiz.yaml'), BAD_QUIZ);
    const overlay = page.locator('#coursebook-problems');
    await overlay.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await overlay.textContent(), /01-lesson\.quiz\.yaml:2:5: question "pick-one" has no correct choice/);
    assert.match(await page.locator('main').textContent(), /Second version\./, 'the last good page stays');
    assert.equal(await overlay.getAttribute('role'), 'alert');

    // A page opened while the build is broken shows the problems too.
    const second = await openLive(context, `${base}lesson.html`);
    await second.page.locator('#coursebook-problems').waitFor({ state: 'visible', timeout: 15_000 });

    await writeFile(path.join(dir, 'content/01-lesson.quiz.yaml'), GOOD_QUIZ.replace('served', 'still served'));
    await page.waitForFunction(() => !document.getElementById('coursebook-problems') && document.querySelector('legend')?.textContent.includes('still served'), null, { timeout: 15_000 });
    const violations = await runAxe(page);
    assert.deepEqual(violations, [], formatViolations(violations, 'served lesson'));
    // Reloading a page ends its event stream, and stops what it was still loading (its favicon,
    // when the reload came first: seen once in a fresh-clone CI run): those aborts are expected,
    // nothing else is.
    problems.failedRequests = problems.failedRequests.filter((r) => !r.includes('/__coursebook/events') && !r.endsWith('net::ERR_ABORTED'));
    assert.equal(formatProblems(problems), '');
    console.log(`edit-to-reload in the browser: ${reloadMs} ms`);
    await context.close();
  });

  test('an open print page follows an edit too (it is made after the other pages)', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const lesson = await openLive(context, `${base}lesson.html`);
    const print = await openLive(context, `${base}print.html`);
    await writeFile(path.join(dir, 'content/01-lesson.md'), '# Lesson\n\nPrinted version.\n');
    for (const { page } of [lesson, print]) {
      await page.waitForFunction(() => document.querySelector('main')?.textContent.includes('Printed version.'), null, { timeout: 15_000 });
    }
    await context.close();
  });

  test('the site is served under its site-url, with 404s for what is outside it', async () => {
    const res = await fetch(base.replace('/live/', '/'), { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/live/');
    const wasm = await fetch(`${base}theme/js/quiz_wasm_bg.wasm`);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    for (const bad of ['live/../book.toml', 'live/%2e%2e/book.toml', 'live/..%2fbook.toml', 'book.toml', 'live/no/such/page.html']) {
      const r = await fetch(base.replace('/live/', '/') + bad);
      assert.equal(r.status, 404, bad);
      assert.doesNotMatch(await r.text(), /\[book\]/, `${bad} leaked book.toml`);
    }
  });
});
