// A link checker for a served site.
//
// From the site root it fetches every page it can reach, reads the URLs in href/src/srcset/poster
// attributes (and url()/@import in CSS), checks that each internal one answers 200 and that each
// #fragment names an id (or an <a name>) in its target page, and follows internal HTML pages.
// Same-origin URLs outside the site's prefix are broken: on a project site
// (https://org.github.io/academy/) they lead to another site. Other origins are never fetched:
// they are listed in `external`, split into navigation links (fine) and resources the page would
// load (not fine: nothing may leave the site).
//
// It also fetches a missing URL a few folders deep and checks that the 404 page it gets back has
// working links: a 404 page is served at any depth, so its links must not be relative to itself.

import { readdir } from 'node:fs/promises';
import path from 'node:path';

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) ? String.fromCodePoint(cp) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

const TAG_RE = /<([a-zA-Z][\w:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g;
const ATTR_RE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

/** Every start tag of an HTML document as { tag, attrs } (comments and script/style bodies skipped). */
export function parseTags(html) {
  const cleaned = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/(<script\b[^>]*>)[\s\S]*?(<\/script\s*>)/gi, '$1$2')
    .replace(/(<style\b[^>]*>)[\s\S]*?(<\/style\s*>)/gi, '$1$2');
  const tags = [];
  for (const m of cleaned.matchAll(TAG_RE)) {
    const attrs = {};
    for (const a of (m[2] ?? '').matchAll(ATTR_RE)) {
      const name = a[1].toLowerCase();
      if (!(name in attrs)) attrs[name] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? '');
    }
    tags.push({ tag: m[1].toLowerCase(), attrs });
  }
  return tags;
}

/** The ids a fragment may point at in this document. */
export function fragmentTargets(tags) {
  const ids = new Set();
  for (const { tag, attrs } of tags) {
    if (attrs.id !== undefined) ids.add(attrs.id);
    if (tag === 'a' && attrs.name !== undefined) ids.add(attrs.name);
  }
  return ids;
}

const NAVIGATION_TAGS = new Set(['a', 'area', 'iframe', 'frame']);
/** <link rel> values whose target the browser loads; other rels (canonical, alternate, …) are links. */
const LOADED_LINK_RELS = new Set(['stylesheet', 'icon', 'apple-touch-icon', 'mask-icon', 'preload', 'modulepreload', 'prefetch', 'manifest', 'dns-prefetch', 'preconnect']);

function isNavigation(tag, attrs) {
  if (tag === 'link') return !(attrs.rel ?? '').toLowerCase().split(/\s+/).some((r) => LOADED_LINK_RELS.has(r));
  return NAVIGATION_TAGS.has(tag);
}

/** The URLs a document refers to: [{ tag, attr, url, navigation }]. */
export function extractRefs(tags) {
  const refs = [];
  for (const { tag, attrs } of tags) {
    if (tag === 'base' || tag === 'form') continue;
    const navigation = isNavigation(tag, attrs);
    for (const attr of ['href', 'src', 'poster', 'data', 'xlink:href']) {
      const v = attrs[attr];
      if (v === undefined || (attr === 'data' && tag !== 'object')) continue;
      refs.push({ tag, attr, url: v.trim(), navigation });
    }
    for (const attr of ['srcset', 'imagesrcset']) {
      if (attrs[attr] === undefined) continue;
      for (const candidate of attrs[attr].split(/,\s+/)) {
        const url = candidate.trim().split(/\s+/)[0];
        if (url) refs.push({ tag, attr, url, navigation: false });
      }
    }
    if (tag === 'meta' && /^refresh$/i.test(attrs['http-equiv'] ?? '')) {
      const m = /url\s*=\s*['"]?([^'"]+)/i.exec(attrs.content ?? '');
      if (m) refs.push({ tag, attr: 'content', url: m[1].trim(), navigation: true });
    }
  }
  return refs;
}

/** url() and @import targets of a stylesheet. */
export function extractCssRefs(css) {
  const refs = [];
  const body = css.replace(/\/\*[\s\S]*?\*\//g, '');
  for (const m of body.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/g)) {
    refs.push({ tag: 'css', attr: 'url()', url: (m[1] ?? m[2] ?? m[3]).trim(), navigation: false });
  }
  for (const m of body.matchAll(/@import\s+(?:"([^"]*)"|'([^']*)')/g)) {
    refs.push({ tag: 'css', attr: '@import', url: (m[1] ?? m[2]).trim(), navigation: false });
  }
  return refs;
}

/** "dir/index.html" and "dir/" are one page: visit it once. */
function pageKey(u) {
  return u.replace(/\/index\.html$/, '/');
}

function stripHash(u) {
  const url = new URL(u);
  url.hash = '';
  return url.href;
}

/**
 * Crawl the site at `rootUrl` (e.g. http://127.0.0.1:1234/academy/).
 * Options: `dir` (the built site folder, to list pages no link reaches), `missingProbe`
 * (a path under the prefix that must not exist), `maxPages`.
 * Returns { pages, fetched, broken, external, unreached, notFound }.
 */
export async function crawl(rootUrl, { dir, missingProbe = 'no/such/deep/page.html', maxPages = 5000 } = {}) {
  const root = new URL(rootUrl);
  const prefix = root.pathname.endsWith('/') ? root.pathname : root.pathname.replace(/[^/]*$/, '');
  const probeUrl = new URL(missingProbe, root).href;

  /** url (no hash) -> Promise<{ status, type, finalUrl, ids?, text? }> */
  const cache = new Map();
  const broken = [];
  const external = [];
  const pages = [];
  const pending = [];
  const queued = new Set();

  const get = (url) => {
    if (!cache.has(url)) {
      cache.set(
        url,
        (async () => {
          try {
            const res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(15_000) });
            const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
            const entry = { status: res.status, type, finalUrl: res.url, redirected: res.redirected };
            if (type === 'text/html' || type === 'text/css') {
              entry.text = await res.text();
              if (type === 'text/html') {
                entry.tags = parseTags(entry.text);
                entry.ids = fragmentTargets(entry.tags);
              }
            } else {
              await res.arrayBuffer();
            }
            return entry;
          } catch (err) {
            return { status: 0, type: '', error: String(err?.message ?? err) };
          }
        })(),
      );
    }
    return cache.get(url);
  };

  const isUnderPrefix = (u) => u.origin === root.origin && u.pathname.startsWith(prefix);

  /** Check the refs found on page `from` (whose own URL is `baseUrl`), queueing new pages. */
  const checkRefs = async (from, baseUrl, refs, { follow = true, self } = {}) => {
    await Promise.all(
      refs.map(async (ref) => {
        const raw = ref.url;
        if (raw === '' && ref.navigation) {
          broken.push({ from, url: raw, reason: `empty ${ref.attr} on <${ref.tag}>` });
          return;
        }
        if (/^(mailto|tel|data|blob|about):/i.test(raw)) return;
        if (/^javascript:/i.test(raw)) {
          broken.push({ from, url: raw, reason: `javascript: URL on <${ref.tag}>` });
          return;
        }
        let target;
        try {
          target = new URL(raw, baseUrl);
        } catch {
          broken.push({ from, url: raw, reason: 'not a valid URL' });
          return;
        }
        if (target.protocol !== 'http:' && target.protocol !== 'https:') return;
        if (target.origin !== root.origin) {
          external.push({ from, url: target.href, tag: ref.tag, attr: ref.attr, navigation: ref.navigation });
          return;
        }
        if (!isUnderPrefix(target)) {
          broken.push({ from, url: raw, reason: `leaves the site prefix ${prefix} (resolves to ${target.pathname})` });
          return;
        }
        const bare = stripHash(target.href);
        // A fragment of this very document (e.g. a skip link on the 404 page): its own ids.
        const entry = self && bare === stripHash(self.url) ? self.entry : await get(bare);
        if (entry.status !== 200) {
          broken.push({ from, url: raw, reason: entry.error ?? `HTTP ${entry.status} for ${target.pathname}` });
          return;
        }
        const hash = target.hash.slice(1);
        if (hash && entry.ids && hash !== 'top' && !hash.startsWith(':~:')) {
          let id = hash;
          try {
            id = decodeURIComponent(hash);
          } catch {
            /* keep the raw fragment */
          }
          if (!entry.ids.has(id) && !entry.ids.has(hash)) {
            broken.push({ from, url: raw, reason: `no element with id "${id}" in ${target.pathname}` });
          }
        }
        if (entry.type === 'text/css' && !queued.has(bare)) {
          queued.add(bare);
          pending.push(checkRefs(bare, entry.finalUrl ?? bare, extractCssRefs(entry.text), { follow: false }));
        }
        if (follow && entry.type === 'text/html' && !queued.has(pageKey(bare)) && queued.size < maxPages) {
          queued.add(pageKey(bare));
          pending.push(visit(bare, entry));
        }
      }),
    );
  };

  const baseOf = (pageUrl, tags) => {
    const base = tags.find((t) => t.tag === 'base' && t.attrs.href !== undefined);
    return base ? new URL(base.attrs.href, pageUrl).href : pageUrl;
  };

  async function visit(url, entry) {
    pages.push(url);
    const own = entry.finalUrl ?? url;
    await checkRefs(url, baseOf(own, entry.tags), extractRefs(entry.tags), { self: { url: own, entry } });
  }

  const rootBare = stripHash(root.href);
  const rootEntry = await get(rootBare);
  if (rootEntry.status !== 200 || !rootEntry.tags) {
    broken.push({ from: '(start)', url: rootBare, reason: rootEntry.error ?? `HTTP ${rootEntry.status} (${rootEntry.type}) for the site root` });
  } else {
    queued.add(pageKey(rootBare));
    pending.push(visit(rootBare, rootEntry));
  }

  // The deep missing URL: must be a 404 whose page's links all work from there.
  const probe = await get(probeUrl);
  const notFound = { url: probeUrl, status: probe.status, type: probe.type, refs: 0 };
  if (probe.status !== 404) {
    broken.push({ from: '(404 probe)', url: probeUrl, reason: `expected HTTP 404, got ${probe.status}` });
  }
  if (probe.tags) {
    const refs = extractRefs(probe.tags);
    notFound.refs = refs.length;
    notFound.stylesheets = probe.tags.filter((t) => t.tag === 'link' && /\bstylesheet\b/i.test(t.attrs.rel ?? '')).length;
    pending.push(
      checkRefs(`${probeUrl} (the 404 page)`, baseOf(probeUrl, probe.tags), refs, {
        follow: false,
        self: { url: probeUrl, entry: { ...probe, status: 200 } },
      }),
    );
  } else {
    broken.push({ from: '(404 probe)', url: probeUrl, reason: `the 404 response is not HTML (${probe.type})` });
  }

  // Each visit starts when it is queued; wait until no new work appears.
  while (pending.length) await Promise.all(pending.splice(0));

  let unreached = [];
  if (dir) {
    const reached = new Set();
    for (const [u, p] of cache) {
      const e = await p;
      if (e.status === 200 && e.type === 'text/html') reached.add(decodeURIComponent(new URL(e.finalUrl ?? u).pathname));
    }
    const files = await listFiles(dir);
    unreached = files
      .filter((f) => f.endsWith('.html') && f !== '404.html')
      .filter((f) => {
        const p = prefix + f;
        return !reached.has(p) && !(f.endsWith('index.html') && reached.has(p.slice(0, -'index.html'.length)));
      });
  }

  return { pages: pages.sort(), fetched: cache.size, broken, external, unreached, notFound };
}

async function listFiles(dir, rel = '') {
  const out = [];
  for (const d of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...(await listFiles(dir, r)));
    else out.push(r);
  }
  return out.sort();
}

/** Pretty-print broken links for an assertion message ('' when there are none). */
export function formatBroken(broken) {
  if (!broken.length) return '';
  return [`${broken.length} broken link(s):`, ...broken.map((b) => `  on ${b.from}: ${JSON.stringify(b.url)}: ${b.reason}`)].join('\n');
}
