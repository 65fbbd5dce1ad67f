// What a learner downloads and waits for, measured in Chromium on a built site (issue #14's
// budgets): a lesson page on the wire (gzip) before the wasm module, the progress page on the
// wire and the time until progress.js has painted it. A benchmark, not a test: it prints figures.
//
//   python3 tests/bench/bench.py --sizes 1000 --generate-only
//   target/release/coursebook build tests/bench/work/n1000/coursebook -d /tmp/site1000
//   node tests/bench/page_weight.mjs /tmp/site1000 [lesson-url] [--runs 5]
//
// Bytes are each response's body gzipped at level 6 here (what a static host such as GitHub
// Pages sends), summed over every request the page makes. Budgets: a lesson at most 60 KB before
// the wasm module, the progress page at most 100 KB and painted within 200 ms.

import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { launchBrowser } from '../browser/lib/browser.mjs';
import { serve } from '../browser/lib/server.mjs';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 5;
const [site, lessonArg] = args;
if (!site) {
  console.error('usage: node tests/bench/page_weight.mjs <built site> [lesson url] [--runs N]');
  process.exit(2);
}

/** The first lesson page of the site (a page under a chapter folder), if none was named. */
function firstLesson(dir) {
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory() && entry !== 'theme') {
      const page = readdirSync(full).sort().find((f) => f.endsWith('.html') && f !== 'index.html');
      if (page) return `${entry}/${page}`;
    }
  }
  return 'index.html';
}

const server = await serve(site, { prefix: '/' });
const browser = await launchBrowser();

/** Load `url` in a fresh context; resolves to { bytes, wasm, requests, paintMs }. */
async function measure(url, { ready }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const bodies = [];
  page.on('response', async (response) => {
    try {
      bodies.push({ url: response.url(), body: await response.body() });
    } catch {
      // A redirect has no body.
    }
  });
  const started = Date.now();
  await page.goto(`${server.url}${url}`, { waitUntil: 'load' });
  await page.waitForFunction(ready, null, { timeout: 30_000, polling: 5 });
  // From the navigation's start, and from the HTML parsed (DOMContentLoaded) to painted.
  const [paintMs, afterParseMs] = await page.evaluate(() => {
    const painted = performance.getEntriesByName('coursebook:progress-painted')[0]?.startTime ?? performance.now();
    return [painted, painted - performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd];
  });
  const wallMs = Date.now() - started;
  await page.waitForTimeout(300);
  await context.close();
  let bytes = 0;
  let wasm = 0;
  for (const { url: u, body } of bodies) {
    const gz = gzipSync(body, { level: 6 }).length;
    if (process.env.VERBOSE) console.error(gz, u);
    if (u.includes('.wasm')) wasm += gz;
    else bytes += gz;
  }
  return { bytes, wasm, requests: bodies.length, paintMs, afterParseMs, wallMs };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const lesson = lessonArg ?? firstLesson(site);
const rows = [];
for (const [name, url, ready] of [
  ['lesson', lesson, () => document.body.dataset.progressReady !== undefined && [...document.querySelectorAll('form[data-quiz]')].every((f) => f.dataset.ready !== undefined)],
  ['progress page', 'progress.html', () => document.body.dataset.progressReady !== undefined],
  // The peer: the contents page lists the same lessons (and is painted by progress.js too).
  ['contents page', 'toc.html', () => document.body.dataset.progressReady !== undefined],
]) {
  const all = [];
  for (let i = 0; i < runs; i++) all.push(await measure(url, { ready }));
  rows.push({ name, url, bytes: all[0].bytes, wasm: all[0].wasm, requests: all[0].requests, paintMs: median(all.map((r) => r.paintMs)), afterParseMs: median(all.map((r) => r.afterParseMs)) });
}
await browser.close();
await server.close();

console.log(`| page | url | gzip on the wire (without wasm) | wasm (gzip) | requests | painted after navigation / after parsing (median of ${runs}) |`);
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.url} | ${kb(r.bytes)} | ${kb(r.wasm)} | ${r.requests} | ${r.paintMs.toFixed(0)} ms / ${r.afterParseMs.toFixed(0)} ms |`);
}
