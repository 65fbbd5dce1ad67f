// Search as a learner meets it, in Chromium (issue #16): what the first query and each further
// word download (gzip, as a host serves it), how long from a keystroke to the results, and
// whether the right section comes first, for generated queries whose answer is known.
//
//   node tests/bench/search.mjs <built site> [--queries 200] [--seed 1] [--engine pagefind]
//
// `--engine pagefind` measures Pagefind instead, on the same site and the same queries, after
// `pagefind --site <built site>` has added its `pagefind/` folder (its JS API, as its UI uses
// it: search, then each shown result's data; a page's sections are its sub-results, the one
// holding most matches first).
//
// Queries: for a random lesson section, its shortest run of words found nowhere else on the
// site (a distinctive pair, or else a phrase of three or four words), rarest words first,
// expecting that section; and glossary terms' names,
// expecting their glossary entries. Each is typed into the header's search box of a lesson page.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { launchBrowser } from '../browser/lib/browser.mjs';
import { serve } from '../browser/lib/server.mjs';

const args = process.argv.slice(2);
const site = args.find((a) => !a.startsWith('--'));
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
if (!site) {
  console.error('usage: node tests/bench/search.mjs <built site> [--queries 200] [--seed 1]');
  process.exit(2);
}
const QUERIES = opt('queries', 200);
const PAGEFIND = args.includes('--engine') && args[args.indexOf('--engine') + 1] === 'pagefind';
let seed = opt('seed', 1);
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

// --- The course's sections, read from the built pages (the answers, not the index). ---
function pages(dir, rel = '') {
  const out = [];
  for (const name of readdirSync(path.join(dir, rel))) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(dir, r)).isDirectory()) {
      if (!['theme', 'search'].includes(name)) out.push(...pages(dir, r));
    } else if (name.endsWith('.html') && !['print.html', '404.html', 'toc.html', 'progress.html', 'glossary.html', 'index.html'].includes(r)) {
      out.push(r);
    }
  }
  return out;
}
const text = (html) => html.replace(/<span class="term-tip"[^]*?<\/span><\/span>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&[a-z#0-9]+;/g, ' ');
const wordsOf = (t) => t.toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
// A part's words, with '|' where a block (paragraph, heading, list item, cell…) ends: a run
// of words that learners read together never crosses one.
const BLOCK = /<\/?(?:p|li|h[1-6]|td|th|pre|div|dt|dd|blockquote|figcaption|summary|details|ul|ol|table|tr|section|aside)\b[^>]*>/;
const blocksOf = (html) => html.split(BLOCK).flatMap((b) => ['|', ...wordsOf(text(b))]);

// Every part of every page counts for whether a pair is distinctive (its introduction, its
// objectives, its quiz too); queries come from the lessons' own sections.
const sections = [];
const everywhere = [];
for (const url of pages(site)) {
  const html = readFileSync(path.join(site, url), 'utf8');
  // The lesson's own content: not its navigation (the pager's "Next: …" is not the section's
  // text, and the search rightly does not index it).
  const main = html.slice(html.indexOf('<main'), html.indexOf('</main>')).replace(/<nav\b[^]*?<\/nav>/g, ' ');
  const parts = main.split(/(?=<h[2-6] id=")/);
  everywhere.push(blocksOf(parts[0]));
  for (const part of parts.slice(1)) {
    const id = part.match(/^<h[2-6] id="([^"]+)"/)[1];
    const words = blocksOf(part);
    everywhere.push(words);
    if (/^(objectives|key-terms|course-end|quiz)/.test(id) || !/^<h[23]/.test(part)) continue;
    sections.push({ href: `${url}#${id}`, words: words.slice(0, 600) });
  }
}
{
  let glossary = '';
  try { glossary = readFileSync(path.join(site, 'glossary.html'), 'utf8'); } catch { /* none */ }
  for (const m of glossary.matchAll(/<dd[^>]*>([^]*?)<\/dd>/g)) everywhere.push(blocksOf(m[1]));
}
const df = new Map();
for (const s of sections) for (const w of new Set(s.words)) if (w !== '|') df.set(w, (df.get(w) || 0) + 1);
const queries = [];
const glossaryHtml = (() => {
  try { return readFileSync(path.join(site, 'glossary.html'), 'utf8'); } catch { return ''; }
})();
// A term's name, without its aliases (`<span class="aliases">`).
const terms = [...glossaryHtml.matchAll(/<dt id="(term-[^"]+)"[^>]*>([^]*?)<\/dt>/g)].map((m) => ({ q: text(m[2].replace(/<span class="aliases">[^]*?<\/span>/, '')).trim(), href: `glossary.html#${m[1]}` }));
const glossaryShare = Math.min(terms.length, Math.round(QUERIES / 10));
for (let i = 0; i < glossaryShare; i++) queries.push(terms[Math.floor(random() * terms.length)]);
// Candidate sections, then how many parts of the site hold each of their runs of two, three
// and four words (only those runs are counted: every run of a 10,000-lesson site would not fit).
const candidates = [];
for (let i = 0; i < QUERIES * 3 && sections.length; i++) candidates.push(sections[Math.floor(random() * sections.length)]);
const runs = (words, n, f) => {
  for (let i = 0; i + n <= words.length; i++) {
    const run = words.slice(i, i + n);
    if (!run.includes('|')) f(run.join(' '), i);
  }
};
const counts = new Map();
for (const s of candidates) for (const n of [2, 3, 4]) runs(s.words, n, (r) => counts.set(r, 0));
for (const words of everywhere) {
  const seen = new Set();
  for (const n of [2, 3, 4]) runs(words, n, (r) => { if (counts.has(r)) seen.add(r); });
  for (const r of seen) counts.set(r, counts.get(r) + 1);
}
// Each candidate's query: its shortest run of words found nowhere else (a distinctive pair if it
// has one, else a phrase), of real words (3 letters or more, not numbers), rarest words first.
for (const s of candidates) {
  if (queries.length >= QUERIES) break;
  let best = null;
  for (const n of [2, 3, 4]) {
    runs(s.words, n, (r, i) => {
      const words = s.words.slice(i, i + n);
      if (counts.get(r) !== 1 || words.some((w) => w.length < 3 || /^\d+$/.test(w))) return;
      const score = words.reduce((sum, w) => sum + (df.get(w) || 1), 0);
      if (!best || score < best.score) best = { score, q: r };
    });
    if (best) break;
  }
  if (best) queries.push({ q: best.q, href: s.href });
}

// --- The browser. ---
const server = await serve(site, { prefix: '/' });
const browser = await launchBrowser();
const lesson = pages(site)[0];
const gz = (buf) => gzipSync(buf, { level: 9 }).length;

/** A new page on the first lesson; `listen`: count each response's bytes (which slows it). */
async function fresh(listen = true) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const fetched = [];
  // Each response is counted in the phase it arrived in (0: loading the lesson, 1: the first
  // query, 2: a further word), noted before its body is read: read asynchronously, the lesson's
  // own scripts were sometimes counted as the first query's (108 to 136 KB for one query).
  const state = { phase: 0 };
  if (listen) {
    page.on('response', async (r) => {
      const phase = state.phase;
      try { fetched.push({ url: r.url(), bytes: gz(await r.body()), phase }); } catch { /* redirects */ }
    });
  }
  await page.goto(server.url + lesson, { waitUntil: 'load' });
  return { context, page, fetched, state };
}

/** Pagefind's answer to `q`: its ten best pages' sections, best first, and the ms it took. */
async function pagefind(page, q) {
  return page.evaluate(async (query) => {
    const pf = window.__pf ?? (window.__pf = await import('/pagefind/pagefind.js'));
    const t0 = performance.now();
    const found = await pf.search(query);
    const shown = await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
    const ms = performance.now() - t0;
    // A result is a page with the three sections its UI shows under it (those holding most
    // matches): the right section among them counts as found at the page's rank.
    const hrefs = shown.map((d) => {
      const subs = [...(d.sub_results || [])].sort((a, b) => (b.locations?.length ?? 0) - (a.locations?.length ?? 0)).slice(0, 3);
      return [d, ...subs].map((x) => x.url.replace(/^\//, ''));
    });
    // The first result's excerpt as its UI shows it: the page's, or its best section's.
    const top = shown[0] && ([...(shown[0].sub_results || [])][0] ?? shown[0]);
    return { ms, hrefs, marked: !!top && /<mark>/.test(top.excerpt ?? ''), named: false };
  }, q);
}

/** Type `q` (replacing the box's text) and wait for the results; returns hrefs and ms. */
async function type(page, q) {
  if (PAGEFIND) return pagefind(page, q);
  return page.evaluate(async (query) => {
    const input = document.querySelector('form[data-search] input[type=search]');
    const list = document.querySelector('[data-search-results]');
    const status = document.querySelector('[data-search-status]');
    const form = input.form;
    const before = form.dataset.searchAnswered;
    const t0 = performance.now();
    const done = new Promise((resolve) => {
      const check = () => (form.dataset.searchAnswered !== before ? resolve() : setTimeout(check, 0));
      check();
    });
    input.value = query;
    input.dispatchEvent(new Event('input'));
    await done;
    const ms = performance.now() - t0;
    const root = new URL(input.form.dataset.root, document.baseURI).href;
    const options = [...list.querySelectorAll('a[role=option]')];
    // Whether the first result's excerpt shows a word of the query, marked.
    const marked = !!options[0]?.querySelector('.search-excerpt mark');
    const named = !!options[0]?.querySelector('.search-title mark');
    return { ms, hrefs: options.map((a) => a.href.slice(root.length)), marked, named };
  }, q);
}

/**
 * Open search and type `q` at once, timed in the page from opening to results: what the
 * learner waits (timed from Node, Playwright's round trips were counted too).
 */
async function openAndType(page, q) {
  if (PAGEFIND) {
    return page.evaluate(async (query) => {
      const t0 = performance.now();
      const pf = window.__pf ?? (window.__pf = await import('/pagefind/pagefind.js'));
      const found = await pf.search(query);
      const shown = await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
      return { ms: performance.now() - t0, results: shown.length };
    }, q);
  }
  return page.evaluate(async (query) => {
    const input = document.querySelector('form[data-search] input[type=search]');
    const form = input.form;
    const t0 = performance.now();
    input.focus();
    const done = new Promise((resolve) => {
      const check = () => (form.dataset.searchAnswered ? resolve() : setTimeout(check, 0));
      check();
    });
    input.value = query;
    input.dispatchEvent(new Event('input'));
    await done;
    const results = document.querySelectorAll('[data-search-results] a[role=option]').length;
    return { ms: performance.now() - t0, results };
  }, q);
}

// First query: from opening search (focus) to the results of one word; then a second word.
const first = await fresh();
first.state.phase = 1;
const word1 = queries.find((q) => !q.href.startsWith('glossary'))?.q.split(' ')[0] ?? 'model';
const r1 = await openAndType(first.page, word1);
// Timed again on a page that does not read each response's body for its size: reading them
// (Playwright asks the browser for each) held the first results back 200 ms at 10,000 lessons.
const timed = await fresh(false);
const firstMs = (await openAndType(timed.page, word1)).ms;
await timed.context.close();
await first.page.waitForTimeout(300);
// Search's files only (not the lesson's favicon, should it come late).
const searchFile = (f) => /\/search\/|\/theme\/|\/pagefind\//.test(f.url);
const inPhase = (n) => first.fetched.filter((f) => f.phase === n && searchFile(f));
const firstBytes = inPhase(1).reduce((n, f) => n + f.bytes, 0);
first.state.phase = 2;
const word2 = queries.find((q) => !q.href.startsWith('glossary') && !q.q.startsWith(word1))?.q ?? 'training loop';
await type(first.page, `${word1} ${word2.split(' ')[0]}`);
await first.page.waitForTimeout(300);
const furtherBytes = inPhase(2).reduce((n, f) => n + f.bytes, 0);
if (process.env.SHOW_FETCHED) {
  for (const n of [1, 2]) console.error(n === 1 ? word1 : `${word1} ${word2}`, inPhase(n).map((f) => `${f.url.split("/").slice(-2).join("/")} ${f.bytes}`).join(" "));
}
const beforeOpenBytes = first.fetched.filter((f) => f.phase === 0 && /search|pagefind/.test(f.url)).length;
await first.context.close();

// Quality and keystroke-to-results, on one page that has loaded what it needs.
const ctx = await fresh();
if (!PAGEFIND) await ctx.page.focus('form[data-search] input[type=search]');
let top1 = 0;
let top5 = 0;
let marked = 0;
let markedAnywhere = 0;
const times = [];
const missed = [];
for (const { q, href } of queries) {
  await type(ctx.page, q); // loads the files this query needs
  const { ms, hrefs, marked: shown, named } = await type(ctx.page, `${q} `); // the same results, everything cached
  times.push(ms);
  if (shown) marked++;
  if (shown || named) markedAnywhere++;
  const at = (r) => (Array.isArray(r) ? r.includes(href) : r === href);
  if (hrefs[0] && at(hrefs[0])) top1++;
  else if (process.env.SHOW_MISSES) console.error(`miss@1: ${q} → want ${href}, got ${hrefs.slice(0, 3).join(' ')}`);
  if (hrefs.slice(0, 5).some(at)) top5++;
  else if (missed.length < 5 || (missed.length < 10 && !href.startsWith("glossary"))) missed.push(`${q} → want ${href}, got ${hrefs.slice(0, 3).join(' ')}`);
}
await ctx.context.close();
await browser.close();
await server.close();
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)] ?? NaN;
const files = PAGEFIND
  ? readdirSync(path.join(site, 'pagefind', 'index')).length + readdirSync(path.join(site, 'pagefind', 'fragment')).length
  : readdirSync(path.join(site, 'search', 't')).length + readdirSync(path.join(site, 'search', 'd')).length;
console.log(JSON.stringify({
  site,
  engine: PAGEFIND ? 'pagefind' : 'coursebook',
  sections: sections.length,
  queries: queries.length,
  search_files: files,
  fetched_before_opening: beforeOpenBytes,
  first_query: { word: word1, results: r1.results, kb_gzip: +(firstBytes / 1024).toFixed(1), ms_from_opening: Math.round(firstMs) },
  further_word_kb_gzip: +(furtherBytes / 1024).toFixed(1),
  keystroke_to_results_ms_median: +median.toFixed(1),
  top1: +(top1 / queries.length * 100).toFixed(1),
  top5: +(top5 / queries.length * 100).toFixed(1),
  // The first result shows a word of the query marked: in its excerpt; in it or its title.
  first_excerpt_marked: +(marked / queries.length * 100).toFixed(1),
  first_result_marked: +(markedAnywhere / queries.length * 100).toFixed(1),
  missed_examples: missed,
}, null, 2));
