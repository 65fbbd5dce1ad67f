// coursebook default theme: search (site/search.rs writes the index). Loaded by book.js when the
// learner opens the search box; fetches search's words module (the same folding and stemming
// as the index) and, per query word, one file of words and the files of the documents shown.
// The box is an ARIA combobox: arrows move through the results, Enter opens one, Escape
// closes them; the number of results is announced.

const version = new URL(import.meta.url).search;
const runtime = import(`./runtime.js${version}`);
const base = new URL("../../search/", import.meta.url);
const MAX_RESULTS = 10;
const MAX_EXPANSIONS = 30;

let meta = null;
let words = null;
const files = new Map();

function fetchJson(path) {
  if (!files.has(path)) {
    files.set(path, fetch(new URL(path + version, base)).then((r) => (r.ok ? r.json() : null)).catch(() => null));
  }
  return files.get(path);
}

async function ready() {
  if (!meta) {
    const glue = await import(`./search_wasm.js${version}`);
    await glue.default({ module_or_path: new URL(`./search_wasm_bg.wasm${version}`, import.meta.url) });
    words = glue;
    meta = await fetchJson("meta.json");
  }
  return meta;
}

/** FNV-1a of a term's first two characters, as site/search.rs `shard`. */
function shard(term, shards) {
  const head = [...term].slice(0, 2).join("");
  let hash = 0x811c9dc5;
  for (const b of new TextEncoder().encode(head)) {
    hash = Math.imul(hash ^ b, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** The query's words: [{ term, prefix }], the last one also matched as a prefix. */
function queryWords(text, language) {
  return words
    .query_words(text, language)
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [term, prefix] = line.split("\t");
      return { term, prefix };
    });
}

/** Ranked documents for `text`: BM25 weights × rarity, all words before some. */
async function search(text) {
  const m = await ready();
  if (!m) return [];
  const qs = queryWords(text, m.language);
  if (qs.length === 0) return [];
  const scores = new Map();
  for (let i = 0; i < qs.length; i++) {
    const { term, prefix } = qs[i];
    const last = i === qs.length - 1;
    const table = (await fetchJson(`t/${shard(term, m.shards)}.json`)) || {};
    const hits = new Map();
    const add = (list, factor) => {
      const idf = Math.log(1 + (m.docs - list.length / 2 + 0.5) / (list.length / 2 + 0.5));
      for (let j = 0; j < list.length; j += 2) {
        const s = (list[j + 1] / 100) * idf * factor;
        if (s > (hits.get(list[j]) || 0)) hits.set(list[j], s);
      }
    };
    if (table[term]) add(table[term], 1);
    if (last && [...prefix].length >= 2) {
      const ptable = shard(prefix, m.shards) === shard(term, m.shards) ? table : (await fetchJson(`t/${shard(prefix, m.shards)}.json`)) || {};
      let n = 0;
      for (const key of Object.keys(ptable)) {
        if (key !== term && key.startsWith(prefix) && n++ < MAX_EXPANSIONS) add(ptable[key], 0.8);
      }
    }
    for (const [doc, s] of hits) {
      const e = scores.get(doc) || { matched: 0, score: 0 };
      e.matched += 1;
      e.score += s;
      scores.set(doc, e);
    }
  }
  const ranked = [...scores.entries()].sort((a, b) => b[1].matched - a[1].matched || b[1].score - a[1].score || a[0] - b[0]).slice(0, MAX_RESULTS);
  const out = [];
  for (const [doc] of ranked) {
    const chunk = (await fetchJson(`d/${Math.floor(doc / m.chunk)}.json`)) || [];
    const row = chunk[doc % m.chunk];
    if (row) out.push({ href: row[0], title: row[1], heading: row[2], excerpt: row[3] });
  }
  return { results: out, prefixes: qs.map((q) => q.prefix) };
}

function fold(word) {
  return word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** The excerpt with the query's words marked (words starting with a query word's letters). */
function marked(text, prefixes) {
  const frag = document.createDocumentFragment();
  for (const part of text.split(/([\p{L}\p{N}]+)/u)) {
    const f = fold(part);
    if (part && prefixes.some((p) => p.length > 1 && f.startsWith(p.slice(0, Math.max(2, p.length - 2))))) {
      const mark = document.createElement("mark");
      mark.textContent = part;
      frag.appendChild(mark);
    } else if (part) {
      frag.appendChild(document.createTextNode(part));
    }
  }
  return frag;
}

export function attach(form) {
  if (form.dataset.searchReady) return;
  form.dataset.searchReady = "";
  const input = form.querySelector("input[type=search]");
  const list = form.querySelector("[data-search-results]");
  const status = form.querySelector("[data-search-status]");
  const combobox = form.querySelector("[data-search-combobox]") || input;
  const root = new URL(form.getAttribute("data-root"), document.baseURI);
  let active = -1;
  let generation = 0;
  const options = () => [...list.querySelectorAll("[role=option]")];

  function show(open) {
    list.hidden = !open;
    combobox.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) {
      active = -1;
      input.removeAttribute("aria-activedescendant");
    }
  }
  function move(to) {
    const all = options();
    if (all.length === 0) return;
    active = (to + all.length) % all.length;
    all.forEach((o, i) => o.setAttribute("aria-selected", i === active ? "true" : "false"));
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }
  async function run() {
    const text = input.value.trim();
    const mine = ++generation;
    try { sessionStorage.setItem("coursebook:search", input.value); } catch (err) { /* storage off */ }
    if (!text) {
      list.replaceChildren();
      status.textContent = "";
      show(false);
      return;
    }
    const [{ t, stringsReady }, found] = await Promise.all([runtime, search(text)]);
    await stringsReady;
    if (mine !== generation) return;
    const { results = [], prefixes = [] } = found || {};
    list.replaceChildren(
      ...results.map((r, i) => {
        // Each result is a link that is the listbox's option (ARIA allows `a[href]` that role),
        // so it is a real link for the browser and one option for a screen reader.
        const option = document.createElement("a");
        option.setAttribute("role", "option");
        option.id = `search-result-${i}`;
        option.setAttribute("aria-selected", "false");
        option.href = new URL(r.href, root).href;
        option.tabIndex = -1;
        const title = document.createElement("span");
        title.className = "search-title";
        title.textContent = r.heading ? `${r.title} › ${r.heading}` : r.title;
        const excerpt = document.createElement("span");
        excerpt.className = "search-excerpt";
        excerpt.appendChild(marked(r.excerpt, prefixes));
        option.append(title, excerpt);
        return option;
      }),
    );
    status.textContent = results.length ? t("search_count", { count: results.length }, results.length) : t("search_none");
    active = -1;
    show(results.length > 0);
  }

  input.addEventListener("input", run);
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") { e.preventDefault(); show(options().length > 0); move(active + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); move(active - 1); }
    else if (e.key === "Enter") {
      const all = options();
      const pick = all[active >= 0 ? active : 0];
      if (pick) { e.preventDefault(); pick.click(); }
    } else if (e.key === "Escape") {
      if (!list.hidden) { e.preventDefault(); show(false); }
      else { input.value = ""; run(); input.blur(); }
    }
  });
  list.addEventListener("mousedown", (e) => e.preventDefault());
  document.addEventListener("click", (e) => { if (!form.contains(e.target)) show(false); });
  // The learner's query survives going to a result and back.
  let kept = null;
  try { kept = sessionStorage.getItem("coursebook:search"); } catch (err) { /* storage off */ }
  if (kept && !input.value) input.value = kept;
  if (input.value.trim()) run();
}
