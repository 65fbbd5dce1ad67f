// Publishing under a sub-path, as GitHub Pages serves a project site at /<repository>/:
// - `coursebook init some-repo`, built with nothing changed, works when served under /some-repo/;
// - the repository's example course, with its site-url forced to "/academy/", works under /academy/.
// Each site is served by the plain static server and crawled: every page, asset and #anchor, and
// the 404 page fetched a few folders deep. No browser is needed.

import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { REPO, buildOrThrow, removeDir, run, tempDir } from './lib/coursebook.mjs';
import { crawl, formatBroken } from './lib/crawl.mjs';
import { serve } from './lib/server.mjs';

/** Everything the crawl found wrong, as one readable string ('' when nothing is). */
function problems(result) {
  const out = [];
  if (result.pages.length === 0) out.push('the crawl found no page');
  if (result.broken.length) out.push(formatBroken(result.broken));
  const loaded = result.external.filter((e) => !e.navigation);
  if (loaded.length) out.push(`resources loaded from elsewhere:\n${loaded.map((e) => `  on ${e.from}: ${e.url}`).join('\n')}`);
  if (result.unreached.length) out.push(`pages no link reaches: ${result.unreached.join(', ')}`);
  if (result.notFound.status !== 404) out.push(`${result.notFound.url} answered ${result.notFound.status}, not 404`);
  if (!(result.notFound.refs > 0)) out.push(`the 404 page at ${result.notFound.url} has no links to check`);
  return out.join('\n');
}

/** Build `courseDir`, serve its site under `prefix`, crawl it; returns { site, crawl, close }. */
async function buildServeCrawl(courseDir, prefix) {
  await buildOrThrow(courseDir);
  const site = path.join(courseDir, 'site');
  const server = await serve(site, { prefix });
  try {
    return { site, server, crawl: await crawl(server.url, { dir: site }) };
  } catch (err) {
    await server.close();
    throw err;
  }
}

describe('a new course from `coursebook init some-repo`, served under /some-repo/', () => {
  let tmp;
  let s;
  before(async () => {
    tmp = await tempDir('coursebook-publish-');
    const courseDir = path.join(tmp, 'some-repo');
    const init = await run(['init', courseDir]);
    assert.equal(init.code, 0, `coursebook init exited ${init.code}\n${init.stdout}\n${init.stderr}`);
    s = await buildServeCrawl(courseDir, '/some-repo/');
  });
  after(async () => {
    await s?.server.close();
    if (tmp) await removeDir(tmp);
  });

  test('init set site-url to the repository name', async () => {
    const book = await readFile(path.join(tmp, 'some-repo', 'book.toml'), 'utf8');
    assert.match(book, /^site-url = "\/some-repo\/"$/m);
  });

  test('every page, asset, anchor and the 404 page work', () => {
    assert.equal(problems(s.crawl), '');
  });

  test('the crawl reached the lesson, its quiz and the glossary', async () => {
    const pages = s.crawl.pages.map((u) => u.slice(s.server.url.length));
    for (const page of ['getting-started/first-lesson.html', 'glossary.html']) {
      assert.ok(pages.includes(page), `the crawl did not reach ${page}; it reached: ${pages.join(', ')}`);
    }
    const lesson = await readFile(path.join(s.site, 'getting-started', 'first-lesson.html'), 'utf8');
    assert.match(lesson, /data-quiz="/);
  });
});

describe('the example course with site-url = "/academy/", served under /academy/', () => {
  let courseDir;
  let s;
  before(async () => {
    courseDir = await tempDir('coursebook-academy-');
    await cp(path.join(REPO, 'content'), path.join(courseDir, 'content'), { recursive: true });
    const book = await readFile(path.join(REPO, 'book.toml'), 'utf8');
    const siteUrl = /^site-url\s*=.*$/m;
    assert.match(book, siteUrl, 'the example book.toml has no site-url line to replace');
    await writeFile(path.join(courseDir, 'book.toml'), book.replace(siteUrl, 'site-url = "/academy/"'));
    s = await buildServeCrawl(courseDir, '/academy/');
  });
  after(async () => {
    await s?.server.close();
    if (courseDir) await removeDir(courseDir);
  });

  test('every page, asset, anchor and the 404 page work', () => {
    assert.equal(problems(s.crawl), '');
    assert.ok(s.crawl.pages.length > 3, `only ${s.crawl.pages.length} pages were crawled`);
  });
});
