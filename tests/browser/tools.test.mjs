// The checkers check: the test helpers run on two hand-written sites, one clean and one with a
// planted fault of each kind, and must pass the first and report every fault of the second.
// (A checker that silently finds nothing would make the site-*.test.mjs files pass for the wrong reason.)

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';

import { CONTRAST_ONLY, runAxe } from './lib/axe.mjs';
import { formatProblems, openPage } from './lib/browser.mjs';
import { makeCourse, removeDir } from './lib/coursebook.mjs';
import { crawl } from './lib/crawl.mjs';
import { sharedBrowser } from './lib/site-checks.mjs';
import { mimeType, serve } from './lib/server.mjs';
import { validateHtml } from './lib/vnu.mjs';

function page(title, root, body, head = '') {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><link rel="icon" href="${root}img/logo.svg" type="image/svg+xml"><link rel="stylesheet" href="${root}style.css"><script src="${root}app.js" defer></script>${head}</head>
<body>
<header><a href="${root}index.html">Course</a></header>
<details class="toc-toggle"><summary>Contents</summary>
<nav class="toc" aria-label="Table of contents"><ol>
<li><a href="${root}index.html">Home</a></li>
<li><a href="${root}basics/first.html">First lesson</a></li>
</ol></nav></details>
<main><h1>${title}</h1>${body}</main>
</body></html>
`;
}

const GOOD = {
  'style.css': `
    :root { color-scheme: light dark; --fg: #111; --bg: #fff; --link: #0645ad; }
    @media (prefers-color-scheme: dark) { :root { --fg: #eee; --bg: #121212; --link: #8ab4f8; } }
    body { color: var(--fg); background: var(--bg); font-family: sans-serif; }
    a { color: var(--link); }
    header { background: url("img/logo.svg") no-repeat; padding: 8px 0 8px 12px; }
    summary { padding: 6px 0; }
  `,
  'app.js': `document.documentElement.classList.add('js');\n`,
  'img/logo.svg': `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n`,
  'index.html': page(
    'Home',
    '',
    '<p>Start with <a href="basics/first.html#intro">the first lesson</a>.</p><p><img src="img/logo.svg" alt="Logo"></p>',
    // A link to elsewhere that the browser does not load is fine.
    '<link rel="canonical" href="https://academy.example.org/">',
  ),
  'basics/first.html': page('First lesson', '../', '<h2 id="intro">Intro</h2><p>Back <a href="../">home</a>.</p>'),
  '404.html': page('Not found', '/academy/', '<p id="top-of-404">No such page. <a href="#top-of-404">Top</a></p>'),
};

const BAD = {
  ...GOOD,
  // Relative links on the 404 page break at depth.
  '404.html': page('Not found', '', '<p>No such page. <a href="#nowhere">Top</a></p>'),
  'index.html': page(
    'Home',
    '',
    [
      '<p style="color:#777;background:#888">low contrast</p>',
      '<p><img src="https://cdn.example.org/x.png" alt="remote"></p>',
      '<script>document.title = "inline"</script>',
      '<p><a href="basics/first.html#nope">missing anchor</a></p>',
      '<p><a href="/elsewhere/">outside the prefix</a></p>',
      '<p><a href="missing.html">missing page</a></p>',
      '<div><li>invalid HTML</li></div>',
    ].join('\n'),
  ),
  'orphan.html': page('Orphan', '', '<p>No link leads here.</p>'),
};

describe('test helpers', () => {
  const sites = {};
  before(async () => {
    for (const [name, files] of Object.entries({ good: GOOD, bad: BAD })) {
      const dir = await makeCourse(files);
      sites[name] = { dir, server: await serve(dir, { prefix: '/academy/' }) };
    }
  });
  after(async () => {
    for (const s of Object.values(sites)) {
      await s.server.close();
      await removeDir(s.dir);
    }
  });

  const get = (site, rawPath) =>
    new Promise((resolve, reject) => {
      // node:http sends the path as given: no client-side normalisation of "..".
      const req = request({ host: '127.0.0.1', port: sites[site].server.port, path: rawPath }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });

  test('server: MIME types, prefix, redirects, 404 page, CSP, no traversal', async () => {
    assert.equal(mimeType('x.wasm'), 'application/wasm');
    assert.equal(mimeType('x.mjs'), 'text/javascript; charset=utf-8');
    assert.equal(mimeType('x.woff2'), 'font/woff2');
    let r = await get('good', '/academy/');
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^text\/html/);
    assert.equal(r.headers['content-security-policy'], "script-src 'self' 'wasm-unsafe-eval'");
    assert.equal((await get('good', '/academy/style.css')).headers['content-type'], 'text/css; charset=utf-8');
    assert.equal((await get('good', '/academy/img/logo.svg')).headers['content-type'], 'image/svg+xml');
    r = await get('good', '/academy/basics');
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, '/academy/basics/');
    assert.equal((await get('good', '/academy')).status, 301);
    assert.equal((await get('good', '/academy/nothing/here.html')).status, 404);
    assert.equal((await get('good', '/index.html')).status, 404, 'files are only served under the prefix');
    for (const evil of ['/academy/../../../../etc/passwd', '/academy/%2e%2e/%2e%2e/etc/passwd', '/academy/..%2f..%2fetc%2fpasswd', '/academy/%ZZ', '/academy/a%00b']) {
      const { status } = await get('good', evil);
      assert.ok(status === 400 || status === 404, `${evil} answered ${status}`);
    }
  });

  test('crawl: a clean site has no findings', async () => {
    const c = await crawl(sites.good.server.url, { dir: sites.good.dir });
    assert.deepEqual(c.broken, []);
    assert.deepEqual(
      c.external.map((e) => [e.url, e.navigation]),
      [['https://academy.example.org/', true]],
    );
    assert.deepEqual(c.unreached, []);
    assert.equal(c.notFound.status, 404);
    assert.deepEqual(c.pages.map((p) => new URL(p).pathname), ['/academy/', '/academy/basics/first.html']);
  });

  test('crawl: finds broken links, anchors, prefix escapes, remote assets, orphans, a 404 page broken at depth', async () => {
    const c = await crawl(sites.bad.server.url, { dir: sites.bad.dir });
    const reasons = c.broken.map((b) => `${b.url} ${b.reason}`).join('\n');
    assert.match(reasons, /#nope.*no element with id "nope"/);
    assert.match(reasons, /\/elsewhere\/.*leaves the site prefix/);
    assert.match(reasons, /missing\.html.*HTTP 404/);
    assert.match(reasons, /style\.css.*HTTP 404 for \/academy\/no\/such\/deep\/style\.css/);
    assert.match(reasons, /#nowhere.*no element with id "nowhere" in \/academy\/no\/such\/deep\/page\.html/);
    assert.deepEqual(
      c.external.map((e) => [e.url, e.navigation]),
      [['https://cdn.example.org/x.png', false]],
    );
    assert.deepEqual(c.unreached, ['orphan.html']);
  });

  test('vnu: valid HTML passes, invalid HTML is reported with file and line', { timeout: 120_000 }, async () => {
    const messages = await validateHtml([sites.good.dir, sites.bad.dir], { base: sites.bad.dir });
    assert.ok(messages.length >= 1);
    assert.ok(messages.every((m) => !m.file.startsWith('..')), `errors in the clean site: ${JSON.stringify(messages)}`);
    assert.ok(messages.some((m) => m.file === 'index.html' && /“li” not allowed/.test(m.message) && m.line > 0));
  });

  test('browser + axe: a clean page has no problems; planted faults are all reported', { timeout: 120_000 }, async () => {
    const browser = await sharedBrowser();
    const ctx = await browser.newContext();
    try {
      const good = await openPage(ctx, sites.good.server.url);
      assert.equal(formatProblems(good.problems), '');
      assert.deepEqual(await runAxe(good.page), []);

      const bad = await openPage(ctx, sites.bad.server.url);
      assert.match(bad.problems.consoleErrors.join('\n'), /Content Security Policy/, 'the inline script is caught by the CSP');
      assert.deepEqual(bad.problems.external, ['GET https://cdn.example.org/x.png']);
      const ids = (await runAxe(bad.page)).map((v) => v.id);
      assert.ok(ids.includes('color-contrast') && ids.includes('listitem'), `axe found ${ids}`);
    } finally {
      await ctx.close();
    }
    const dark = await browser.newContext({ colorScheme: 'dark' });
    try {
      const { page } = await openPage(dark, sites.good.server.url);
      assert.deepEqual(await runAxe(page, CONTRAST_ONLY), []);
      assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(18, 18, 18)');
    } finally {
      await dark.close();
    }
  });
});
