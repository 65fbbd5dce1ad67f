#!/usr/bin/env node
// Edit-to-reload time in a real browser: `coursebook serve` against `hugo server` and
// `mdbook serve`, on the same synthetic course, in one run.
//
//   node tests/bench/reload.mjs [--size 1000] [--edits 15] [--mdbook-edits 3]
//        [--tools coursebook,hugo,mdbook] [--coursebook PATH] [--mdbook-watcher poll|native]
//        [--json FILE]
//
// Needs the course from `python3 tests/bench/bench.py --sizes N --generate-only` and the
// browser tests' playwright-core (npm ci in tests/browser). For each tool: copy the course to a
// temp folder, start the dev server on a free port, open a lesson from the middle of the course
// in Chromium, then append a unique marker paragraph to that lesson's Markdown, edit after edit,
// and time from the write to
//   signal:  the live-reload message reaching the page (EventSource for coursebook, WebSocket
//            for Hugo and mdBook; both are wrapped by an init script that notes the time
//            before the page's own handler runs),
//   nav:     the navigation start of the reloaded document (its performance.timeOrigin),
//   visible: the first animation frame of a document whose text holds the marker.
// All times are Date.now() of one machine clock, in node and in the page.

import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { DESKTOP, launchBrowser } from '../browser/lib/browser.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '../..');

// ---- options ---------------------------------------------------------------------------------

const opts = { size: 1000, edits: 15, 'mdbook-edits': 3, tools: 'coursebook,hugo,mdbook',
  coursebook: path.join(ROOT, 'target/dist/coursebook'), json: null, 'mdbook-watcher': 'poll' };
for (let i = 2; i < process.argv.length; i++) {
  const key = process.argv[i].replace(/^--/, '');
  if (!(key in opts) || i + 1 >= process.argv.length) {
    console.error(`usage: node tests/bench/reload.mjs ${Object.keys(opts).map((k) => `[--${k} X]`).join(' ')}`);
    process.exit(2);
  }
  opts[key] = process.argv[++i];
}
const SIZE = Number(opts.size);
const TOOLS = opts.tools.split(',').map((t) => t.trim()).filter(Boolean);
const QUIET_MS = 300;
const log = (msg) => console.error(msg);

// ---- the three tools -------------------------------------------------------------------------

const which = (name, fallback) => {
  try { return execFileSync('sh', ['-c', `command -v ${name}`]).toString().trim(); } catch { return fallback; }
};

// The lesson in the middle of the course: chapter folder and file are numbered alike in all three
// layouts (bench.py), so pick them by sorted position in the copied source.
function middleLesson(contentDir) {
  const chapters = fs.readdirSync(contentDir).filter((d) => /^\d+-/.test(d)).sort();
  const lessonsPerChapter = fs.readdirSync(path.join(contentDir, chapters[0])).filter((f) => /^\d+-.*(?<!\.quiz)\.md$/.test(f)).length;
  const chapter = chapters[Math.floor(SIZE / 2 / lessonsPerChapter)];
  const files = fs.readdirSync(path.join(contentDir, chapter)).filter((f) => /^\d+-.*(?<!\.quiz)\.md$/.test(f)).sort();
  const file = files[Math.floor(SIZE / 2) % lessonsPerChapter];
  return { chapter, stem: file.replace(/\.md$/, ''), file: path.join(contentDir, chapter, file) };
}

const stripNumber = (s) => s.replace(/^\d+-/, '');

const TOOL_DEFS = {
  coursebook: {
    edits: () => Number(opts.edits),
    timeout: 10_000,
    version: (bin) => execFileSync(bin, ['--version']).toString().trim().replace(/^coursebook /, ''),
    // site-url = "/course/" in book.toml; coursebook strips the number prefixes from URLs.
    setup: (dir, port, bin) => {
      const l = middleLesson(path.join(dir, 'content'));
      return { lesson: l, cmd: [bin, 'serve', dir, '-p', String(port), '-q'],
        url: `http://127.0.0.1:${port}/course/${stripNumber(l.chapter)}/${stripNumber(l.stem)}.html` };
    },
    isReload: (e) => e.kind === 'sse' && e.type === 'reload',
  },
  hugo: {
    edits: () => Number(opts.edits),
    timeout: 10_000,
    version: (bin) => execFileSync(bin, ['version']).toString().trim().split(' ')[1].replace(/^v/, ''),
    // Hugo's defaults otherwise: render to memory, fast render (re-renders the pages being viewed).
    setup: (dir, port, bin) => {
      const l = middleLesson(path.join(dir, 'content'));
      return { lesson: l,
        cmd: [bin, 'server', '--source', dir, '--bind', '127.0.0.1', '--port', String(port),
          '--baseURL', `http://127.0.0.1:${port}/course/`, '--appendPort=false'],
        url: `http://127.0.0.1:${port}/course/${l.chapter}/${l.stem}/` };
    },
    isReload: (e) => e.kind === 'ws' && /"command"\s*:\s*"reload"/.test(e.data),
  },
  mdbook: {
    edits: () => Number(opts['mdbook-edits']),
    timeout: 60_000,
    version: (bin) => execFileSync(bin, ['--version']).toString().trim().replace(/^mdbook v?/, ''),
    // mdbook serve ignores site-url and serves the book at the root.
    setup: (dir, port, bin) => {
      const l = middleLesson(path.join(dir, 'src'));
      return { lesson: l,
        cmd: [bin, 'serve', dir, '-n', '127.0.0.1', '-p', String(port), '--watcher', opts['mdbook-watcher']],
        url: `http://127.0.0.1:${port}/${l.chapter}/${l.stem}.html` };
    },
    isReload: (e) => e.kind === 'ws' && e.data === 'reload',
  },
};
const BINS = { coursebook: opts.coursebook, hugo: which('hugo', null),
  mdbook: which('mdbook', path.join(os.homedir(), '.cargo/bin/mdbook')) };

// ---- the page-side instrumentation ------------------------------------------------------------

// Runs in every document before its own scripts. sessionStorage outlives the reloads of the tab,
// so node reads what each document recorded once the next one is up. Listeners added in the
// constructor run before the page's own (addEventListener or onmessage set later).
function instrument() {
  const KEY = '__bench_events';
  const doc = performance.timeOrigin;
  const note = (e) => {
    const list = JSON.parse(sessionStorage.getItem(KEY) || '[]');
    list.push({ doc, t: Date.now(), ...e });
    sessionStorage.setItem(KEY, JSON.stringify(list));
  };
  const ES = window.EventSource;
  if (ES) {
    window.EventSource = class extends ES {
      constructor(...args) {
        super(...args);
        this.addEventListener('open', () => note({ kind: 'open' }));
        for (const type of ['reload', 'problems', 'ok']) {
          this.addEventListener(type, () => note({ kind: 'sse', type }));
        }
      }
    };
  }
  const WS = window.WebSocket;
  if (WS) {
    window.WebSocket = class extends WS {
      constructor(...args) {
        super(...args);
        this.addEventListener('open', () => note({ kind: 'open' }));
        this.addEventListener('message', (m) => note({ kind: 'ws', data: String(m.data).slice(0, 300) }));
      }
    };
  }
  // The marker node is waiting for: the first frame of a document whose text contains it. None of
  // the tools patches the DOM in place, but watch for mutations in case one does; no per-frame
  // polling, which would load the 2-core machine while the server rebuilds.
  let found = false;
  const check = () => requestAnimationFrame(() => {
    const marker = sessionStorage.getItem('__bench_marker');
    if (found || !marker || !document.body || !document.body.innerText.includes(marker)) return;
    found = true;
    const nav = performance.getEntriesByType('navigation')[0] || {};
    note({ kind: 'visible', marker, firstByte: nav.responseStart, lastByte: nav.responseEnd, dcl: nav.domContentLoadedEventEnd });
  });
  document.addEventListener('DOMContentLoaded', () => {
    check();
    new MutationObserver(check).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
}

// ---- helpers ----------------------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

async function waitForPage(url, child, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await sleep(200);
  }
  throw new Error(`${url} did not answer within ${ms / 1000} s`);
}

// Servers run in their own process group, so the kill reaches any child they spawn.
const running = new Set();
function killGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
}
async function stopGroup(child) {
  const exited = new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', r)));
  killGroup(child);
  const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5_000);
  await exited;
  clearTimeout(timer);
}
const tempDirs = new Set();
function cleanup() {
  for (const child of running) killGroup(child);
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });

// page.evaluate fails while the page navigates; try again, a while.
async function retry(fn, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    try { return await fn(); } catch (e) { if (Date.now() > deadline) throw e; await sleep(20); }
  }
}

const events = (page) => retry(() => page.evaluate(() => ({ doc: performance.timeOrigin,
  list: JSON.parse(sessionStorage.getItem('__bench_events') || '[]') })));

// Wait until `pred(events)` holds; returns the events then, or null at the deadline.
async function waitEvents(page, pred, deadline) {
  while (Date.now() < deadline) {
    const ev = await events(page);
    if (pred(ev)) return ev;
    await sleep(25);
  }
  return null;
}

const liveOpen = ({ doc, list }) => list.some((e) => e.kind === 'open' && e.doc === doc);

// ---- one tool ---------------------------------------------------------------------------------

async function runTool(name, browser) {
  const def = TOOL_DEFS[name];
  let bin = BINS[name];
  if (!bin || !fs.existsSync(bin)) throw new Error(`${name}: binary not found (${bin})${name === 'coursebook' ? ': cargo build --profile dist' : ''}`);
  const src = path.join(BENCH, 'work', `n${SIZE}`, name);
  if (!fs.existsSync(src)) throw new Error(`${src} is missing: python3 tests/bench/bench.py --sizes ${SIZE} --generate-only`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `reload-${name}-`));
  tempDirs.add(tmp);
  const dir = path.join(tmp, 'course');
  fs.cpSync(src, dir, { recursive: true });
  if (name === 'coursebook') {
    // Pin a copy: target/dist may be rebuilt by someone else while the benchmark runs.
    fs.copyFileSync(bin, path.join(tmp, 'coursebook'));
    fs.chmodSync(path.join(tmp, 'coursebook'), 0o755);
    bin = path.join(tmp, 'coursebook');
  }
  let version = def.version(bin);
  if (name === 'coursebook') {
    // The version number alone does not tell builds apart: add the commit and the binary's hash.
    const rev = execFileSync('git', ['describe', '--always', '--dirty'], { cwd: ROOT }).toString().trim();
    const sha = createHash('sha256').update(fs.readFileSync(bin)).digest('hex').slice(0, 12);
    version += ` (${rev}, binary ${sha})`;
  }
  const port = await freePort();
  const { lesson, cmd, url } = def.setup(dir, port, bin);
  const logFile = path.join(tmp, 'server.log');
  const out = fs.openSync(logFile, 'w');
  const child = spawn(cmd[0], cmd.slice(1), { cwd: dir, detached: true, stdio: ['ignore', out, out] });
  running.add(child);
  const context = await browser.newContext({ viewport: DESKTOP });
  try {
    const started = Date.now();
    await waitForPage(url, child, 300_000);
    log(`${name} ${version}: serving ${url} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await context.addInitScript(instrument);
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    if (!await waitEvents(page, liveOpen, Date.now() + 10_000)) throw new Error(`${name}: no live-reload connection opened`);
    await sleep(500);

    let text = fs.readFileSync(lesson.file, 'utf8');
    const samples = [];
    const tag = Math.random().toString(36).slice(2, 8);
    for (let i = 1; i <= def.edits(); i++) {
      const marker = `Edit marker ${i} ${tag}`;
      await retry(() => page.evaluate((m) => sessionStorage.setItem('__bench_marker', m), marker));
      const before = Date.now();
      text += `\n\n${marker}\n`;
      fs.writeFileSync(lesson.file, text);
      const t0 = Date.now();
      const done = await waitEvents(page, ({ list }) => list.some((e) => e.kind === 'visible' && e.marker === marker),
        t0 + def.timeout);
      const sample = { edit: i, before, t0, ok: Boolean(done) };
      if (done) {
        const after = done.list.filter((e) => e.t >= before);
        const seen = after.find((e) => e.kind === 'visible' && e.marker === marker);
        // The reload that led to the document showing the marker is the last one before it started;
        // an earlier one (a rebuild that missed the edit) counts in `reloads` and `firstSignal`.
        const signals = after.filter((e) => def.isReload(e) && e.t <= seen.doc + 5);
        sample.signal = signals.length ? signals[signals.length - 1].t - t0 : null;
        sample.firstSignal = signals.length ? signals[0].t - t0 : null;
        sample.reloads = signals.length;
        sample.nav = Math.round(seen.doc - t0);
        sample.visible = seen.t - t0;
        // Where the time goes in the reloaded document, in ms from its navigation start.
        sample.doc = { firstByte: Math.round(seen.firstByte), lastByte: Math.round(seen.lastByte), dcl: Math.round(seen.dcl) };
      }
      samples.push(sample);
      log(`  ${name} edit ${i}: ${done ? `${sample.reloads} reload(s), signal ${sample.signal} ms, nav ${sample.nav} ms, visible ${sample.visible} ms (document: first byte +${sample.doc.firstByte}, DOMContentLoaded +${sample.doc.dcl})` : `no marker after ${def.timeout / 1000} s`}`);
      // Quiet before the next edit, on a page whose live-reload connection is open again.
      await waitEvents(page, liveOpen, Date.now() + 10_000);
      await sleep(QUIET_MS);
    }
    return { tool: name, version, url, samples };
  } catch (e) {
    const tail = fs.readFileSync(logFile, 'utf8').slice(-2000);
    throw new Error(`${e.message}\n--- ${name} server log (tail) ---\n${tail}`);
  } finally {
    await context.close();
    await stopGroup(child);
    running.delete(child);
    fs.closeSync(out);
    fs.rmSync(tmp, { recursive: true, force: true });
    tempDirs.delete(tmp);
  }
}

// ---- report -----------------------------------------------------------------------------------

function stats(xs) {
  const v = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = v.length >> 1;
  return { median: v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2, min: v[0], max: v[v.length - 1] };
}

function report(results) {
  const cols = ['signal', 'nav', 'visible'];
  const fmt = (s) => (s ? `${Math.round(s.median)} (${s.min}–${s.max})` : '—');
  const rows = results.map((r) => {
    const ok = r.samples.filter((s) => s.ok);
    return { ...r, ok: ok.length, stats: Object.fromEntries(cols.map((c) => [c, stats(ok.map((s) => s[c]))])) };
  });
  const base = rows.find((r) => r.tool === 'coursebook');
  const ratio = (r, c) => {
    if (!base || r === base || !base.stats[c] || !r.stats[c]) return '—';
    const x = base.stats[c].median / r.stats[c].median;
    return x.toFixed(x < 0.1 ? 3 : 2);
  };
  const lines = [
    `Edit-to-reload at ${SIZE.toLocaleString('en')} lessons, ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}; `
      + 'ms from the write returning: median (min–max) over the edits that showed the marker',
    '',
    '| tool | edits ok | write → reload signal | write → reload navigation | write → marker visible | ÷ signal | ÷ nav | ÷ visible |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(`| ${r.tool} ${r.version.split(' (')[0]} | ${r.ok}/${r.samples.length} | ${cols.map((c) => fmt(r.stats[c])).join(' | ')} | ${cols.map((c) => ratio(r, c)).join(' | ')} |`);
  }
  lines.push('', '"÷": coursebook median divided by the tool\'s (below 1: coursebook is faster).');
  return { table: lines.join('\n'), rows };
}

// ---- main -------------------------------------------------------------------------------------

const browser = await launchBrowser();
const results = [];
try {
  for (const name of TOOLS) {
    if (!TOOL_DEFS[name]) throw new Error(`unknown tool ${name}`);
    results.push(await runTool(name, browser));
  }
} finally {
  await browser.close();
}
const { table, rows } = report(results);
console.log(table);
if (opts.json) {
  fs.writeFileSync(opts.json, JSON.stringify({ size: SIZE, argv: process.argv.slice(2), cores: os.cpus().length,
    date: new Date().toISOString(), results: rows }, null, 2));
}
